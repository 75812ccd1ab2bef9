-- Per ticket with at least one completed visit: the first completed visit, whether it fixed
-- the problem, and whether another visit for the same ticket followed within `refix_window_days`.
with appointments as (
    select * from staging.stg_appointments
),

horizon as (
    select * from intermediate.int_data__horizon
),

completed as (
    select
        ticket_id,
        appointment_id,
        technician_id,
        fixed,
        window_start,
        coalesce(completed_at, arrived_at, window_end) as completed_at,
        row_number() over (
            partition by ticket_id
            order by coalesce(completed_at, arrived_at, window_end), appointment_id
        ) as visit_rank
    from appointments
    where status = 'completed'
      and ticket_id is not null
),

first_visits as (
    select
        *,
        completed_at + to_days(cast(getvariable('refix_window_days') as integer)) as refix_until_at
    from completed
    where visit_rank = 1
),

further_visits as (
    -- Any later visit booked for the ticket, whatever became of it, says it was not fixed;
    -- only a visit the customer cancelled says nothing.
    select
        first_visits.ticket_id,
        count(*) as further_visit_count
    from first_visits
    inner join appointments
        on appointments.ticket_id = first_visits.ticket_id
        and appointments.appointment_id <> first_visits.appointment_id
        and appointments.status <> 'cancelled_by_customer'
        and appointments.window_start > first_visits.window_start
        and appointments.window_start <= first_visits.refix_until_at
    group by first_visits.ticket_id
),

final as (
    select
        first_visits.ticket_id,
        first_visits.appointment_id as first_visit_id,
        first_visits.technician_id as first_visit_technician_id,
        first_visits.completed_at as first_visit_completed_at,
        timezone(getvariable('tz'), first_visits.completed_at)::date as first_visit_date,
        -- Both wait for the whole refix window, even when the first visit did not fix it or a
        -- refix came early: deciding failures early would let an unsettled week count only them.
        case
            when first_visits.refix_until_at <= horizon.horizon_at
                then coalesce(further_visits.further_visit_count, 0) > 0
        end as has_refix_visit,
        case
            when first_visits.refix_until_at <= horizon.horizon_at
                then first_visits.fixed is true
                    and coalesce(further_visits.further_visit_count, 0) = 0
        end as is_first_time_fix
    from first_visits
    left join further_visits using (ticket_id)
    cross join horizon
)

select * from final
