-- The data-quality checks that did not pass in the last run (a load's gate or `ecoute check`).
select load_id, checked_at, suite, expectation, "column", severity, observed, expected
from meta.expectation_results
where checked_at = (select max(checked_at) from meta.expectation_results)
    and success is not true
order by severity, suite, expectation
