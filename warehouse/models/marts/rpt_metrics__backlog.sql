-- open_fault_backlog: fault tickets still open at the end of each local day and ISO week,
-- in total and by age at that moment: (0, 2], (2, 7], (7, 14] and more than 14 days.
-- Period end = local midnight ending the period, or the data's horizon if that comes first
-- (the current week is counted as of the last data). Open = opened before the end and not yet
-- restored, resolved or closed. Counts per slice add up; counts of different periods do not.
-- The slices, counts and rows come from the metric catalogue (warehouse/metrics.yml, source
-- open_fault) through the marts' skeleton (warehouse/macros/metric_marts.sql.j2).
{% from "metric_marts.sql.j2" import skeleton %}
with tickets as (
    select * from core.fct_tickets
    where is_fault
      -- resolved or closed without a date: we cannot say when it left the backlog
      and not (ended_at is null and status in ('resolved', 'closed'))
),

calendar as (
    select * from intermediate.int_calendar__working_days
),

horizon as (
    select * from intermediate.int_data__horizon
),

bounds as (
    select
        min(tickets.opened_date) as first_date,
        timezone(getvariable('tz'), any_value(horizon.horizon_at))::date as last_date,
        any_value(horizon.horizon_at) as horizon_at
    from tickets
    cross join horizon
),

days as (
    select
        'day' as grain,
        calendar.calendar_date as period_start,
        timezone(getvariable('tz'), (calendar.calendar_date + 1)::timestamp) as period_end_at
    from calendar
    cross join bounds
    where calendar.calendar_date between bounds.first_date and bounds.last_date
),

weeks as (
    select distinct
        'week' as grain,
        date_trunc('week', period_start)::date as period_start,
        timezone(getvariable('tz'), (date_trunc('week', period_start)::date + 7)::timestamp)
            as period_end_at
    from days
),

periods as (
    select
        grain,
        period_start,
        least(period_end_at, bounds.horizon_at) as as_of_at
    from (select * from days union all select * from weeks) as all_periods
    cross join bounds
),

open_tickets as (
    select
        periods.grain,
        periods.period_start,
        'open_fault' as source,
        tickets.region,
        tickets.segment,
        tickets.category,
        (epoch(periods.as_of_at) - epoch(tickets.opened_at)) / 86400.0 as age_days
    from periods
    inner join tickets
        on tickets.opened_at < periods.as_of_at
        and (tickets.ended_at is null or tickets.ended_at >= periods.as_of_at)
),

{{ skeleton("backlog", "open_tickets") }}
