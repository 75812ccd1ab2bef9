-- The latest verdict of every expectation (expectations.report.stored_report): for each suite
-- and expectation its most recent row in meta.expectation_results, whether a load's gate wrote
-- it (on the rows that load added) or `ecoute check --run` (on everything loaded).
-- {suites}: a list literal of suite names, or null for all.
select
    load_id, checked_at, suite, expectation, "column", severity, status, observed, expected,
    exception
from meta.expectation_results
where {suites} is null or list_contains({suites}, suite)
qualify row_number() over (partition by suite, expectation order by checked_at desc) = 1
order by suite, expectation
