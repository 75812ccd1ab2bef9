-- Field-visit metrics per local day and ISO week, for all appointments and per region,
-- segment, technician and ticket category. An appointment counts in the day/week it was due
-- (window_start); first-time fix counts a ticket in the day/week of its first completed visit.
-- Lead-time percentiles are computed per slice (they cannot be re-aggregated): `value` holds
-- the percentile and `denominator` the number of appointments it was computed over.
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("appointments") }}
