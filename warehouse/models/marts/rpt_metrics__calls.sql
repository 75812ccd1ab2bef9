-- Contact-centre metrics per local day and ISO week, as numerator and denominator, for all
-- calls and per region, segment, queue and agent (and region × segment, region × queue).
-- A call counts in the day/week it started; repeat and context-loss contacts in the day/week
-- of the repeat contact.
-- grain: period — per day/week over all customers; an incremental build recomputes only the
--   days and weeks the changed fact rows count in (warehouse/periods.py, docs/incremental.md):
-- periods: core.fct_calls: started_date
-- periods: core.fct_contacts: contact_date
-- period key: grain, period_start
-- Generated from the metric catalogue (warehouse/metrics.yml): its sources give the events,
-- its metrics the aggregates; the skeleton is warehouse/macros/metric_marts.sql.j2.
{% from "metric_marts.sql.j2" import metric_mart %}
{{ metric_mart("calls") }}
