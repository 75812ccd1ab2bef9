-- Regions with numbers in the trend window: burst mode writes one report for each.
-- requires: marts.rpt_metrics__weekly
select distinct region
from marts.rpt_metrics__weekly
where dimension = 'all'
    and region not in ('*', $no_region)
    and week_start between $trend_start and $week_start
order by region
