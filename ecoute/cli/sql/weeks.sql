-- The ISO weeks (their Mondays) the metric marts hold.
select distinct week_start from marts.rpt_metrics__weekly order by week_start
