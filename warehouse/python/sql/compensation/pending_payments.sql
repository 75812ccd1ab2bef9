-- Customers paid after the previous build's horizon: payments count up to the horizon, so a
-- moved horizon changes paid_amount (optional staging.stg_payments, docs/compensation.md).
select customer_id
from staging.stg_payments
where paid_at > getvariable('previous_horizon_at')
