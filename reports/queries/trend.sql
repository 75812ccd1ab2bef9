-- The trend weeks of every metric for the report's slice (all regions, or one).
-- requires: marts.rpt_metrics__weekly
select
    week_start,
    metric,
    value,
    numerator,
    denominator
from marts.rpt_metrics__weekly
where dimension = 'all'
    and region = coalesce($region, '*')
    and week_start between $trend_start and $week_start
order by metric, week_start
