-- The riskiest customers of one scoring run, riskiest first (ties by customer id), and the
-- customers per band. {table}: the risk mart or a reader's temporary table; {as_of}, {limit}.
select customer_id, as_of, score, band, reasons, mode
from {table}
where as_of is not distinct from {as_of}
order by score desc, customer_id
{limit}
