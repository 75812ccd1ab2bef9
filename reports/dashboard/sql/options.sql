-- Filter choices: the values each dimension takes in the marts, and which dimensions each
-- metric is recorded by (a call metric has no category slice, for instance).
select 'value' as what, dimension, dimension_value as value
from (select distinct dimension, dimension_value from marts.rpt_metrics__weekly
      where dimension in ('segment', 'category'))
union all
select distinct 'value', 'region', region from marts.rpt_metrics__weekly where region <> '*'
union all
select distinct 'metric_dimension', dimension, metric from marts.rpt_metrics__weekly
order by 1, 2, 3
