-- Repair metrics per local day and ISO week, for all tickets and per region, segment and
-- category. Each metric counts a ticket in its own day/week: time to restore and contacts per
-- ticket when service was restored (else resolved), restored_within_target on the target day,
-- reopen_rate when resolved. Time-to-restore percentiles are computed per slice (they cannot
-- be re-aggregated): `value` holds the percentile, `denominator` the number of tickets.
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("tickets") }}
