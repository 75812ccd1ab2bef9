-- One row per proactive notification, with the customer's region and segment.
with notifications as (
    select * from staging.stg_notifications
),

customers as (
    select * from core.dim_customers
),

final as (
    select
        notifications.notification_id,
        notifications.customer_id,
        customers.region,
        customers.segment,
        notifications.sent_at,
        timezone(getvariable('tz'), notifications.sent_at)::date as sent_date,
        notifications.kind,
        notifications.channel,
        notifications.ref_id
    from notifications
    left join customers using (customer_id)
)

select * from final
