-- Every metric per local day, long: one row per metric and slice.
-- Slices: region = '*' (all regions) or one region; dimension = 'all' (dimension_value '*') or
-- one of segment, queue, agent, technician, category. Sum numerators and denominators across
-- the values of one dimension to re-aggregate a ratio or mean; kind = 'percentile' rows are
-- computed per slice and cannot be combined. See docs/metrics.md.
-- (the periods of the marts it unions)
-- The union of the metric marts the catalogue lists (warehouse/metrics.yml); daily and
-- weekly are the same macro over the same marts, one grain each.
{% from "metric_marts.sql.j2" import metrics_of_grain %}
{{ metrics_of_grain("day", "metric_date") }}
