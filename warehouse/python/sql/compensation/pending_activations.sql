-- Customers with a service not yet activated at the previous build's horizon: each further
-- day late is owed (optional staging.stg_activations, docs/compensation.md).
select customer_id
from staging.stg_activations
where coalesce(activated_at > getvariable('previous_horizon_at'), true)
