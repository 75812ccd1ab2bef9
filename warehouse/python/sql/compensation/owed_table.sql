select
    customer_id,
    incident_id,
    incident_kind,
    pack,
    rule,
    accrued_date,
    amount,
    currency,
    paid_amount,
    outstanding_amount,
    trace,
    trace_json::varchar as trace_json
from core.fct_compensation
where ($week_start is null or (accrued_date >= $week_start and accrued_date < $week_end))
  and ($customer_id is null or customer_id = $customer_id)
  and ($pack is null or pack = $pack)
order by accrued_date, customer_id, incident_id, pack, rule
