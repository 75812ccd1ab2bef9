-- Communication metrics per local day and ISO week, for all customers and per region and
-- segment: outage_notified_rate (a customer-outage pair counts in the day/week of the
-- customer's first contact about it), complaint_count (messages received) and
-- complaint_intent_share.<intent> (messages carrying the intent ÷ messages).
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("communication") }}
