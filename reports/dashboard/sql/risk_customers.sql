-- The customers most at risk of leaving, with the model's reasons (customer-level view).
select
    risk.customer_id,
    customers.region,
    customers.segment,
    risk.score,
    risk.band,
    risk.reasons::varchar as reasons
from marts.rpt_customers__risk as risk
left join core.dim_customers as customers using (customer_id)
where ($region::varchar is null or customers.region = $region)
    and ($segments::varchar[] is null or customers.segment in (select unnest($segments::varchar[])))
order by risk.score desc, risk.customer_id
limit $top
