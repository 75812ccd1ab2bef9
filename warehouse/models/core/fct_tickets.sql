-- One row per ticket, flagged once: fault or not, time to restore, the working-day repair
-- target and whether it was met, reopened, contacts while it was open, first-time fix.
-- Local dates: opened (period of a ticket), restored, resolved, and the target day.
with tickets as (
    select * from staging.stg_tickets
),

calendar as (
    select * from intermediate.int_calendar__working_days
),

visits as (
    select * from intermediate.int_tickets__visited
),

contacts as (
    select * from intermediate.int_contacts__sequenced
),

customers as (
    select * from core.dim_customers
),

horizon as (
    select * from intermediate.int_data__horizon
),

based as (
    select
        *,
        coalesce(category not in ('billing', 'other'), false)
            and status <> 'cancelled' as is_fault,
        coalesce(restored_at, resolved_at) as service_restored_at,
        coalesce(restored_at, resolved_at, closed_at) as ended_at,
        timezone(getvariable('tz'), opened_at)::date as opened_date
    from tickets
),

targeted as (
    -- The N-th working day after the day reported: working_day_seq counts working days up
    -- to and including a date, so the target is the working day N further along.
    select
        based.ticket_id,
        target_day.calendar_date as target_date
    from based
    inner join calendar as opened_day
        on opened_day.calendar_date = based.opened_date
    inner join calendar as target_day
        on target_day.working_day_seq
            = opened_day.working_day_seq + cast(getvariable('repair_target_working_days') as integer)
        and target_day.is_working_day
),

linked_contacts as (
    select
        based.ticket_id,
        contacts.contact_id
    from based
    inner join contacts on contacts.ticket_id = based.ticket_id
    union
    select
        based.ticket_id,
        contacts.contact_id
    from based
    cross join horizon
    inner join contacts
        on contacts.customer_id = based.customer_id
        and contacts.contact_at >= based.opened_at
        and contacts.contact_at <= coalesce(based.service_restored_at, horizon.horizon_at)
),

contact_counts as (
    select
        ticket_id,
        count(*) as contact_count
    from linked_contacts
    group by ticket_id
),

joined as (
    select
        based.*,
        targeted.target_date,
        timezone(getvariable('tz'), (targeted.target_date + 1)::timestamp) as target_at,
        coalesce(contact_counts.contact_count, 0) as contact_count,
        visits.first_visit_id,
        visits.first_visit_technician_id,
        visits.first_visit_completed_at,
        visits.first_visit_date,
        visits.has_refix_visit,
        visits.is_first_time_fix,
        customers.region,
        customers.segment,
        customers.customer_id is not null and not customers.is_unknown as has_known_customer,
        horizon.horizon_at
    from based
    left join targeted using (ticket_id)
    left join contact_counts using (ticket_id)
    left join visits using (ticket_id)
    left join customers on customers.customer_id = based.customer_id
    cross join horizon
),

final as (
    select
        ticket_id,
        customer_id,
        region,
        segment,
        category,
        channel,
        priority,
        service_loss,
        status,
        outage_id,
        root_cause,
        opened_at,
        restored_at,
        resolved_at,
        closed_at,
        service_restored_at,
        ended_at,
        target_at,
        opened_date,
        date_trunc('week', opened_date)::date as opened_week,
        timezone(getvariable('tz'), service_restored_at)::date as restored_date,
        timezone(getvariable('tz'), resolved_at)::date as resolved_date,
        target_date,
        is_fault,
        is_fault and coalesce(service_loss, 'total') <> 'none' as is_service_lost,
        case when is_fault then (epoch(service_restored_at) - epoch(opened_at)) / 3600.0 end as restore_h,
        -- Decided only once the target day has passed the horizon, even when service came
        -- back early: otherwise an unsettled week would count only its successes.
        case
            when is_fault and target_at <= horizon_at
                then coalesce(service_restored_at < target_at, false)
        end as is_restored_within_target,
        coalesce(reopened_count, 0) as reopened_count,
        coalesce(reopened_count, 0) > 0 as is_reopened,
        contact_count,
        service_restored_at is not null as is_contact_count_final,
        first_visit_id,
        first_visit_technician_id,
        first_visit_completed_at,
        first_visit_date,
        has_refix_visit,
        is_first_time_fix,
        has_known_customer
    from joined
)

select * from final
