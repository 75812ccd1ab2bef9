-- Field-visit metrics per local day and ISO week, for all appointments and per region,
-- segment, technician and ticket category. An appointment counts in the day/week it was due
-- (window_start); first-time fix counts a ticket in the day/week of its first completed visit.
-- Lead-time percentiles are computed per slice (they cannot be re-aggregated): `value` holds
-- the percentile and `denominator` the number of appointments it was computed over.
with appointments as (
    select * from core.fct_appointments
),

tickets as (
    select * from core.fct_tickets
    where first_visit_id is not null
),

events as (
    select
        'appointment' as source,
        due_date as event_date,
        region,
        segment,
        technician_id,
        category,
        is_due,
        is_missed,
        is_unannounced,
        is_wide_window,
        is_arrived_in_window,
        lead_time_days,
        null::boolean as is_first_time_fix
    from appointments
    union all
    select
        'ticket' as source,
        first_visit_date as event_date,
        region,
        segment,
        first_visit_technician_id as technician_id,
        category,
        null as is_due,
        null as is_missed,
        null as is_unannounced,
        null as is_wide_window,
        null as is_arrived_in_window,
        null as lead_time_days,
        is_first_time_fix
    from tickets
),

periods as (
    select
        grains.grain,
        case grains.grain
            when 'day' then events.event_date
            else date_trunc('week', events.event_date)::date
        end as period_start,
        events.*
    from events
    cross join (values ('day'), ('week')) as grains(grain)
),

aggregated as (
    select
        grain,
        period_start,
        case when grouping(region) = 0 then coalesce(region, '(none)') else '*' end as region,
        case
            when grouping(segment) = 0 then 'segment'
            when grouping(technician_id) = 0 then 'technician'
            when grouping(category) = 0 then 'category'
            else 'all'
        end as dimension,
        case
            when grouping(segment) = 0 then coalesce(segment, '(none)')
            when grouping(technician_id) = 0 then coalesce(technician_id, '(none)')
            when grouping(category) = 0 then coalesce(category, '(none)')
            else '*'
        end as dimension_value,
        count(*) filter (where source = 'appointment' and is_due) as due,
        count(*) filter (where source = 'appointment' and is_missed) as missed,
        count(*) filter (where source = 'appointment' and is_missed and is_unannounced) as unannounced,
        count(*) filter (where source = 'appointment' and is_due and is_wide_window) as wide,
        count(*) filter (where source = 'appointment' and is_arrived_in_window) as arrived_in_window,
        count(*) filter (where source = 'appointment' and is_arrived_in_window is not null) as arrived,
        quantile_cont(lead_time_days, 0.5) filter (where source = 'appointment' and is_due)
            as lead_time_p50,
        quantile_cont(lead_time_days, 0.9) filter (where source = 'appointment' and is_due)
            as lead_time_p90,
        count(*) filter (where source = 'ticket' and is_first_time_fix) as fixed_first_time,
        count(*) filter (where source = 'ticket' and is_first_time_fix is not null) as visited_tickets
    from periods
    group by grouping sets (
        (grain, period_start),
        (grain, period_start, region),
        (grain, period_start, segment),
        (grain, period_start, technician_id),
        (grain, period_start, category),
        (grain, period_start, region, segment),
        (grain, period_start, region, technician_id),
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
            {'metric': 'appointments_due', 'kind': 'count', 'numerator': due::double, 'denominator': null::double, 'percentile': null::double},
            {'metric': 'missed_visit_rate', 'kind': 'ratio', 'numerator': missed, 'denominator': due, 'percentile': null},
            {'metric': 'unannounced_miss_rate', 'kind': 'ratio', 'numerator': unannounced, 'denominator': missed, 'percentile': null},
            {'metric': 'median_lead_time_days', 'kind': 'percentile', 'numerator': null, 'denominator': due, 'percentile': lead_time_p50},
            {'metric': 'p90_lead_time_days', 'kind': 'percentile', 'numerator': null, 'denominator': due, 'percentile': lead_time_p90},
            {'metric': 'wide_window_share', 'kind': 'ratio', 'numerator': wide, 'denominator': due, 'percentile': null},
            {'metric': 'window_adherence', 'kind': 'ratio', 'numerator': arrived_in_window, 'denominator': arrived, 'percentile': null},
            {'metric': 'first_time_fix_rate', 'kind': 'ratio', 'numerator': fixed_first_time, 'denominator': visited_tickets, 'percentile': null}
        ], recursive := true)
    from aggregated
),

final as (
    select
        grain,
        period_start,
        metric,
        kind,
        region,
        dimension,
        dimension_value,
        numerator,
        denominator,
        case
            when kind = 'count' then numerator
            when kind = 'percentile' then percentile
            else numerator / nullif(denominator, 0)
        end as value
    from unpivoted
)

select * from final
