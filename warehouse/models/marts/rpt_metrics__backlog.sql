-- open_fault_backlog: fault tickets still open at the end of each local day and ISO week,
-- in total and by age at that moment: (0, 2], (2, 7], (7, 14] and more than 14 days.
-- Period end = local midnight ending the period, or the data's horizon if that comes first
-- (the current week is counted as of the last data). Open = opened before the end and not yet
-- restored, resolved or closed. Counts per slice add up; counts of different periods do not.
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
        tickets.region,
        tickets.segment,
        tickets.category,
        (epoch(periods.as_of_at) - epoch(tickets.opened_at)) / 86400.0 as age_days
    from periods
    inner join tickets
        on tickets.opened_at < periods.as_of_at
        and (tickets.ended_at is null or tickets.ended_at >= periods.as_of_at)
),

aggregated as (
    select
        grain,
        period_start,
        case when grouping(region) = 0 then coalesce(region, '(none)') else '*' end as region,
        case
            when grouping(segment) = 0 then 'segment'
            when grouping(category) = 0 then 'category'
            else 'all'
        end as dimension,
        case
            when grouping(segment) = 0 then coalesce(segment, '(none)')
            when grouping(category) = 0 then coalesce(category, '(none)')
            else '*'
        end as dimension_value,
        count(*) as open_faults,
        count(*) filter (where age_days <= 2) as age_le_2d,
        count(*) filter (where age_days > 2 and age_days <= 7) as age_3_7d,
        count(*) filter (where age_days > 7 and age_days <= 14) as age_8_14d,
        count(*) filter (where age_days > 14) as age_gt_14d
    from open_tickets
    group by grouping sets (
        (grain, period_start),
        (grain, period_start, region),
        (grain, period_start, segment),
        (grain, period_start, category),
        (grain, period_start, region, segment),
        (grain, period_start, region, category)
    )
),

unpivoted as (
    select
        grain,
        period_start,
        region,
        dimension,
        dimension_value,
        unnest([
            {'metric': 'open_fault_backlog', 'numerator': open_faults::double},
            {'metric': 'open_fault_backlog.age_le_2d', 'numerator': age_le_2d},
            {'metric': 'open_fault_backlog.age_3_7d', 'numerator': age_3_7d},
            {'metric': 'open_fault_backlog.age_8_14d', 'numerator': age_8_14d},
            {'metric': 'open_fault_backlog.age_gt_14d', 'numerator': age_gt_14d}
        ], recursive := true)
    from aggregated
),

final as (
    select
        grain,
        period_start,
        metric,
        'count' as kind,
        region,
        dimension,
        dimension_value,
        numerator,
        null::double as denominator,
        numerator as value
    from unpivoted
)

select * from final
