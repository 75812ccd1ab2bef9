-- Customers with a total loss of service that had not ended at the previous build's horizon.
-- Its amount grows with the horizon, or starts once the outage passes 8 h or 2 working days
-- (until then it owes nothing and has no row), so a moved horizon revalues it even when nothing
-- about it was loaded. Same tickets as the step reads (service_loss = 'total'; cancelled ones
-- are no incident); the end is restored_at, else resolved_at, as in incidents.py.
select customer_id
from staging.stg_tickets
where service_loss = 'total'
    and status is distinct from 'cancelled'
    and coalesce(coalesce(restored_at, resolved_at) > getvariable('previous_horizon_at'), true)
