-- Contact-centre metrics per local day and ISO week, as numerator and denominator, for all
-- calls and per region, segment, queue and agent (and region × segment, region × queue).
-- A call counts in the day/week it started; repeat and context-loss contacts in the day/week
-- of the repeat contact.
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("calls") }}
