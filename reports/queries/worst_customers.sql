-- The customers whose week went worst (ranked nationally by the mart; filtered by region).
-- requires: marts.rpt_customers__worst_weekly
select *
from marts.rpt_customers__worst_weekly
where week_start = $week_start
    and ($region is null or region = $region)
order by rank
limit $top
