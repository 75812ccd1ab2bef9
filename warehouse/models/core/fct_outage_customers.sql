-- One row per customer and outage their ticket is linked to: when they first contacted us
-- about it, when we first told them, and whether we told them first.
-- First contact = the earliest of: opening their first ticket linked to the outage, a call
-- logged on such a ticket, or any contact of theirs between the outage start and that ticket.
with tickets as (
    select * from staging.stg_tickets
    where outage_id is not null
      and status <> 'cancelled'
),

outages as (
    select * from staging.stg_outages
),

contacts as (
    select * from intermediate.int_contacts__sequenced
),

notifications as (
    select * from staging.stg_notifications
    where kind = 'outage'
),

customers as (
    select * from core.dim_customers
),

pairs as (
    select
        tickets.customer_id,
        tickets.outage_id,
        min(tickets.opened_at) as first_ticket_opened_at,
        any_value(outages.started_at) as outage_started_at
    from tickets
    left join outages using (outage_id)
    group by tickets.customer_id, tickets.outage_id
),

logged_contacts as (
    select
        tickets.customer_id,
        tickets.outage_id,
        min(contacts.contact_at) as first_logged_contact_at
    from tickets
    inner join contacts on contacts.ticket_id = tickets.ticket_id
    group by tickets.customer_id, tickets.outage_id
),

earlier_contacts as (
    select
        pairs.customer_id,
        pairs.outage_id,
        min(contacts.contact_at) as first_earlier_contact_at
    from pairs
    inner join contacts
        on contacts.customer_id = pairs.customer_id
        and contacts.contact_at >= pairs.outage_started_at
        and contacts.contact_at < pairs.first_ticket_opened_at
    group by pairs.customer_id, pairs.outage_id
),

notified as (
    select
        pairs.customer_id,
        pairs.outage_id,
        min(notifications.sent_at) as first_notified_at
    from pairs
    inner join notifications
        on notifications.customer_id = pairs.customer_id
        and (
            notifications.ref_id = pairs.outage_id
            or (
                notifications.ref_id is null
                and notifications.sent_at >= coalesce(pairs.outage_started_at, pairs.first_ticket_opened_at - interval 1 day)
            )
        )
    group by pairs.customer_id, pairs.outage_id
),

joined as (
    select
        pairs.*,
        least(
            pairs.first_ticket_opened_at,
            logged_contacts.first_logged_contact_at,
            earlier_contacts.first_earlier_contact_at
        ) as first_contact_at,
        notified.first_notified_at,
        customers.region,
        customers.segment
    from pairs
    left join logged_contacts using (customer_id, outage_id)
    left join earlier_contacts using (customer_id, outage_id)
    left join notified using (customer_id, outage_id)
    left join customers using (customer_id)
),

final as (
    select
        customer_id,
        outage_id,
        region,
        segment,
        outage_started_at,
        first_ticket_opened_at,
        first_contact_at,
        timezone(getvariable('tz'), first_contact_at)::date as first_contact_date,
        date_trunc('week', timezone(getvariable('tz'), first_contact_at))::date as first_contact_week,
        first_notified_at,
        coalesce(first_notified_at < first_contact_at, false) as is_notified_before_contact
    from joined
)

select * from final
