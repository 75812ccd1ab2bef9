-- Repair metrics per local day and ISO week, for all tickets and per region, segment and
-- category. Each metric counts a ticket in its own day/week: time to restore and contacts per
-- ticket when service was restored (else resolved), restored_within_target on the target day,
-- reopen_rate when resolved. Time-to-restore percentiles are computed per slice (they cannot
-- be re-aggregated): `value` holds the percentile, `denominator` the number of tickets.
with tickets as (
    select * from core.fct_tickets
),

events as (
    select
        'restore' as source,
        restored_date as event_date,
        region,
        segment,
        category,
        restore_h,
        contact_count,
        null::boolean as is_restored_within_target,
        null::boolean as is_reopened
    from tickets
    where service_restored_at is not null
      and status <> 'cancelled'
    union all
    select
        'target' as source,
        target_date as event_date,
        region,
        segment,
        category,
        null as restore_h,
        null as contact_count,
        is_restored_within_target,
        null as is_reopened
    from tickets
    where is_fault
      and target_date is not null
    union all
    select
        'resolve' as source,
        resolved_date as event_date,
        region,
        segment,
        category,
        null as restore_h,
        null as contact_count,
        null as is_restored_within_target,
        is_reopened
    from tickets
    where resolved_at is not null
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
            when grouping(category) = 0 then 'category'
            else 'all'
        end as dimension,
        case
            when grouping(segment) = 0 then coalesce(segment, '(none)')
            when grouping(category) = 0 then coalesce(category, '(none)')
            else '*'
        end as dimension_value,
        count(restore_h) filter (where source = 'restore') as restored_faults,
        quantile_cont(restore_h, 0.5) filter (where source = 'restore') as restore_p50,
        quantile_cont(restore_h, 0.8) filter (where source = 'restore') as restore_p80,
        quantile_cont(restore_h, 0.95) filter (where source = 'restore') as restore_p95,
        count(*) filter (where source = 'target' and is_restored_within_target) as within_target,
        count(*) filter (where source = 'target' and is_restored_within_target is not null) as due,
        count(*) filter (where source = 'resolve' and is_reopened) as reopened,
        count(*) filter (where source = 'resolve') as resolved,
        sum(contact_count) filter (where source = 'restore') as ticket_contacts,
        count(*) filter (where source = 'restore') as restored_tickets
    from periods
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
            {'metric': 'time_to_restore_p50_h', 'kind': 'percentile', 'numerator': null::double, 'denominator': restored_faults::double, 'percentile': restore_p50},
            {'metric': 'time_to_restore_p80_h', 'kind': 'percentile', 'numerator': null, 'denominator': restored_faults, 'percentile': restore_p80},
            {'metric': 'time_to_restore_p95_h', 'kind': 'percentile', 'numerator': null, 'denominator': restored_faults, 'percentile': restore_p95},
            {'metric': 'restored_within_target', 'kind': 'ratio', 'numerator': within_target, 'denominator': due, 'percentile': null},
            {'metric': 'reopen_rate', 'kind': 'ratio', 'numerator': reopened, 'denominator': resolved, 'percentile': null},
            {'metric': 'contacts_per_ticket', 'kind': 'mean', 'numerator': coalesce(ticket_contacts, 0), 'denominator': restored_tickets, 'percentile': null}
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
            when kind = 'percentile' then percentile
            else numerator / nullif(denominator, 0)
        end as value
    from unpivoted
)

select * from final
