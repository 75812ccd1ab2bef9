-- One row per message (written contact) with its repeat/context-loss flags and the intents
-- detected in it (an empty list until intents are computed).
with messages as (
    select * from staging.stg_messages
),

contacts as (
    select * from intermediate.int_contacts__sequenced
    where contact_kind = 'message'
),

intents as (
    select
        message_id,
        list(distinct intent order by intent) as intents
    from intermediate.int_messages__intents
    group by message_id
),

customers as (
    select * from core.dim_customers
),

final as (
    select
        messages.message_id,
        messages.customer_id,
        customers.region,
        customers.segment,
        messages.received_at,
        timezone(getvariable('tz'), messages.received_at)::date as received_date,
        date_trunc('week', received_date)::date as received_week,
        messages.channel,
        messages.language,
        messages.subject,
        coalesce(intents.intents, []::varchar[]) as intents,
        customers.customer_id is not null and not customers.is_unknown as has_known_customer,
        coalesce(contacts.is_repeat, false) as is_repeat,
        coalesce(contacts.is_context_loss, false) as is_context_loss
    from messages
    left join contacts on contacts.contact_id = messages.message_id
    left join intents using (message_id)
    left join customers on customers.customer_id = messages.customer_id
)

select * from final
