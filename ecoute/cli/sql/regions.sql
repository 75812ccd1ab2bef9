-- The regions the metric marts hold (every region any metric was computed for).
select distinct region from marts.rpt_metrics__weekly where region <> '*' order by region
