-- One row per customer contact (inbound call that is not a short abandon, or message) of an
-- identified customer: the population of repeat_contact_rate and context_loss_rate.
with contacts as (
    select * from intermediate.int_contacts__sequenced
),

calls as (
    select
        'call' as contact_kind,
        call_id as contact_id,
        queue,
        agent_id
    from intermediate.int_calls__classified
),

customers as (
    select * from core.dim_customers
),

final as (
    select
        contacts.contact_id,
        contacts.contact_kind,
        contacts.customer_id,
        customers.region,
        customers.segment,
        calls.queue,
        calls.agent_id,
        contacts.contact_at,
        timezone(getvariable('tz'), contacts.contact_at)::date as contact_date,
        date_trunc('week', contact_date)::date as contact_week,
        contacts.ticket_id,
        contacts.is_answered_call,
        contacts.previous_contact_at,
        contacts.next_contact_at,
        contacts.is_repeat,
        contacts.is_context_loss,
        contacts.is_fcr
    from contacts
    left join calls using (contact_kind, contact_id)
    left join customers on customers.customer_id = contacts.customer_id
)

select * from final
