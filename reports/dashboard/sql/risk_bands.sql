-- Churn-risk bands (marts.rpt_customers__risk, one row per customer and cut-off, once the risk
-- step has run): customers per band at the latest cut-off up to the range's end (any cut-off
-- when the range ends at the data's last week), within a region and segments when filtered.
with cutoff as (
    select max(as_of) as as_of
    from marts.rpt_customers__risk
    where $range_end::date is null or as_of <= $range_end
)

select
    risk.band,
    any_value(cutoff.as_of) as as_of,
    any_value(risk.mode) as mode,
    count(*) as customers,
    round(avg(risk.score), 3) as mean_score
from marts.rpt_customers__risk as risk
inner join cutoff using (as_of)
left join core.dim_customers as customers using (customer_id)
where ($region::varchar is null or customers.region = $region)
    and ($segments::varchar[] is null or customers.segment in (select unnest($segments::varchar[])))
group by risk.band
order by mean_score desc
