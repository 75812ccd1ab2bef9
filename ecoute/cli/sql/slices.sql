-- The values one slicing dimension (queue, technician, …) takes in the metric marts.
select distinct dimension_value from marts.rpt_metrics__weekly
where dimension = ? and dimension_value <> '*' order by dimension_value
