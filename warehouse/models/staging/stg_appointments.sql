-- Appointments as loaded: contract columns, typed, instants in UTC, one row per appointment_id.
with source as (
    select * from raw.appointments
),

final as (
    select
        appointment_id,
        customer_id,
        booked_at,
        window_start,
        window_end,
        status,
        ticket_id,
        technician_id,
        arrived_at,
        completed_at,
        cancelled_at,
        customer_notified_at,
        fixed,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
