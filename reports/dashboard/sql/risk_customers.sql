-- The customers most at risk of leaving at the latest cut-off up to the range's end (any, when the
-- range ends at the data's last week), with the
-- score's reasons (a customer-level view: only when customer_views is on).
with cutoff as (
    select max(as_of) as as_of
    from marts.rpt_customers__risk
    where $range_end::date is null or as_of <= $range_end
)

select
    risk.customer_id,
    customers.region,
    customers.segment,
    risk.score,
    risk.band,
    risk.reasons  -- codes and values, said in the dashboard's language (Lang.reasons)
from marts.rpt_customers__risk as risk
inner join cutoff using (as_of)
left join core.dim_customers as customers using (customer_id)
where ($region::varchar is null or customers.region = $region)
    and ($segments::varchar[] is null or customers.segment in (select unnest($segments::varchar[])))
order by risk.score desc, risk.customer_id
limit $top
