-- Data-quality checks run on the week's loads (and `ecoute check` runs in the same window).
-- requires: meta.expectation_results
select
    load_id,
    suite,
    expectation,
    "column",
    severity,
    success,
    observed,
    expected,
    exception
from meta.expectation_results
where list_contains($load_ids, load_id)
    or (load_id is null and checked_at >= $window_start_at and checked_at < $window_end_at)
order by success nulls first, severity, suite, expectation
