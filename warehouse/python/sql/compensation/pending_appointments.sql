-- Customers with a visit the operator may have missed whose window had not started at the
-- previous build's horizon: a rule owes nothing before the window is reached (a cancellation
-- a few hours before next week's visit), and owes once the horizon passes its start.
-- {candidates} is the rule kinds' own predicate (RuleKind.candidates).
select customer_id
from staging.stg_appointments
where window_start > getvariable('previous_horizon_at')
    and ({candidates})
