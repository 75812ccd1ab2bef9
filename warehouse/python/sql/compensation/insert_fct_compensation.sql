insert into core.fct_compensation
select
    customer_id,
    incident_id,
    incident_kind,
    rule,
    pack,
    amount,
    currency,
    accrued_date,
    trace,
    trace_json::json,
    paid_amount,
    outstanding_amount,
    as_of
from _compensation_rows
