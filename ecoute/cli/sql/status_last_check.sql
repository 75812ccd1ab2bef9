-- When the checks last ran, and how many.
select max(checked_at) as checked_at, count(*) filter (where checked_at = (select max(checked_at) from meta.expectation_results)) as checks
from meta.expectation_results
