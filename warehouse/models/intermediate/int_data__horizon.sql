-- The data's horizon: the latest instant anything was recorded at. A window (repeat, callback,
-- refix) that ends after it has not elapsed yet, so flags that need it stay null.
-- Future-dated plans (appointment windows) are left out: they are promises, not records.
-- contacts_horizon_at is the same over calls and messages only: windows that wait for the
-- next contact or callback (FCR, callbacks) must not close because another export runs later.
with calls as (
    select max(ended_at) as last_at, max(started_at) as last_started_at from staging.stg_calls
),

messages as (
    select max(received_at) as last_at from staging.stg_messages
),

tickets as (
    select greatest(max(opened_at), max(restored_at), max(resolved_at), max(closed_at)) as last_at
    from staging.stg_tickets
),

appointments as (
    select greatest(max(booked_at), max(arrived_at), max(completed_at), max(cancelled_at)) as last_at
    from staging.stg_appointments
),

notifications as (
    select max(sent_at) as last_at from staging.stg_notifications
),

final as (
    select
        greatest(
            (select last_at from calls),
            (select last_at from messages),
            (select last_at from tickets),
            (select last_at from appointments),
            (select last_at from notifications)
        ) as horizon_at,
        greatest(
            (select last_started_at from calls),
            (select last_at from messages)
        ) as contacts_horizon_at
)

select * from final
