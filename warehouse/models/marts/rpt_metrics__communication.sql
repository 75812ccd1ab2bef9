-- Communication metrics per local day and ISO week, for all customers and per region and
-- segment: outage_notified_rate (a customer-outage pair counts in the day/week of the
-- customer's first contact about it), complaint_count (messages received) and
-- complaint_intent_share.<intent> (messages carrying the intent ÷ messages).
-- grain: period — per day/week over all customers; an incremental build recomputes only the
--   days and weeks the changed fact rows count in (warehouse/periods.py, docs/incremental.md):
-- periods: core.fct_messages: received_date
-- periods: core.fct_outage_customers: first_contact_date
-- period key: grain, period_start
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("communication") }}
