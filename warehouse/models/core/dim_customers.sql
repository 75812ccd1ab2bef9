-- One row per customer: the loaded customers, plus every customer id some event refers to
-- that the customer export does not know (is_unknown; region and segment empty).
with customers as (
    select * from staging.stg_customers
),

calls as (
    select * from staging.stg_calls
),

tickets as (
    select * from staging.stg_tickets
),

appointments as (
    select * from staging.stg_appointments
),

messages as (
    select * from staging.stg_messages
),

notifications as (
    select * from staging.stg_notifications
),

referenced as (
    select customer_id from calls where customer_id is not null
    union
    select customer_id from tickets
    union
    select customer_id from appointments
    union
    select customer_id from messages
    union
    select customer_id from notifications
),

unknown as (
    select customer_id
    from referenced
    anti join customers using (customer_id)
),

final as (
    select
        customer_id,
        segment,
        region,
        plan,
        monthly_fee,
        customer_since,
        churned_at,
        language,
        false as is_unknown
    from customers
    union all
    select
        customer_id,
        null as segment,
        null as region,
        null as plan,
        null as monthly_fee,
        null as customer_since,
        null as churned_at,
        null as language,
        true as is_unknown
    from unknown
)

select * from final
