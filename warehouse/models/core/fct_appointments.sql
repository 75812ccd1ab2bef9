-- One row per appointment (technician visit promised), flagged once: due, missed,
-- unannounced, wide window, arrived in window. It belongs to the local day and ISO week of
-- its window_start (when it was due).
with appointments as (
    select * from staging.stg_appointments
),

tickets as (
    select ticket_id, category from staging.stg_tickets
),

customers as (
    select * from core.dim_customers
),

flagged as (
    select
        appointments.*,
        timezone(getvariable('tz'), window_start)::date as due_date,
        status <> 'cancelled_by_customer' as is_due,
        status = 'cancelled_by_operator'
            and (
                cancelled_at is null
                or cancelled_at > window_start - to_seconds(getvariable('late_cancel_h') * 3600.0)
            ) as is_late_operator_cancel,
        coalesce(arrived_at > window_end, false) as is_arrived_late,
        (epoch(window_start) - epoch(booked_at)) / 86400.0 as lead_time_days,
        (epoch(window_end) - epoch(window_start)) / 3600.0 as window_h
    from appointments
),

missed as (
    select
        *,
        is_due and (status = 'no_show' or is_late_operator_cancel or is_arrived_late) as is_missed
    from flagged
),

final as (
    select
        missed.appointment_id,
        missed.customer_id,
        customers.region,
        customers.segment,
        missed.ticket_id,
        tickets.category,
        missed.technician_id,
        missed.status,
        missed.booked_at,
        missed.window_start,
        missed.window_end,
        missed.arrived_at,
        missed.completed_at,
        missed.cancelled_at,
        missed.customer_notified_at,
        missed.fixed,
        missed.due_date,
        date_trunc('week', missed.due_date)::date as due_week,
        missed.lead_time_days,
        missed.window_h,
        missed.is_due,
        missed.is_missed,
        missed.is_late_operator_cancel,
        missed.is_arrived_late,
        case
            when missed.is_missed
                then missed.customer_notified_at is null
                    or missed.customer_notified_at > missed.window_start
        end as is_unannounced,
        missed.window_h > getvariable('max_window_h') as is_wide_window,
        case
            when missed.arrived_at is not null
                then missed.arrived_at between missed.window_start and missed.window_end
        end as is_arrived_in_window,
        customers.customer_id is not null and not customers.is_unknown as has_known_customer,
        missed.ticket_id is null or tickets.ticket_id is not null as has_known_ticket
    from missed
    left join tickets on tickets.ticket_id = missed.ticket_id
    left join customers on customers.customer_id = missed.customer_id
)

select * from final
