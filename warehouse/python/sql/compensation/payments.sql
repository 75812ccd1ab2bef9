-- Paid so far per customer and incident, up to the cut-off when one is given.
select
    customer_id::varchar as customer_id,
    incident_id::varchar as incident_id,
    sum(amount) as paid_amount
from staging.stg_payments
where $as_of is null or paid_at <= $as_of
group by all
