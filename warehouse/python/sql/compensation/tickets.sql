-- Tickets as the ticket kinds see them (incidents.ticket_incidents): not cancelled, a total
-- loss of service (the only kind any pack values), restored_at falling back to resolved_at,
-- with the customer's monthly fee and the linked outage's start. The outages and customers
-- placeholders: relations of (outage_id, started_at) and (customer_id, monthly_fee), empty
-- when the table is absent.
create or replace temp table _comp_tickets as
select
    t.ticket_id::varchar as incident_id,
    t.customer_id::varchar as customer_id,
    t.opened_at,
    coalesce(t.restored_at, t.resolved_at) as restored_at,
    comp_code(t.service_loss) as loss,
    comp_code(t.root_cause) as cause,
    comp_code(t.category) as category,
    c.monthly_fee,
    o.started_at as outage_started_at
from staging.stg_tickets as t
left join (select customer_id, any_value(monthly_fee) as monthly_fee
           from {customers} group by customer_id) as c
    on c.customer_id = t.customer_id
left join {outages} as o on o.outage_id = t.outage_id
where t.service_loss = 'total' and t.status is distinct from 'cancelled'
