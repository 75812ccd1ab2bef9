-- Churn-risk bands (marts.rpt_customers__risk, when built), counted per band within a region
-- and segments when filtered.
select risk.band, count(*) as customers, round(avg(risk.score), 3) as mean_score
from marts.rpt_customers__risk as risk
left join core.dim_customers as customers using (customer_id)
where ($region::varchar is null or customers.region = $region)
    and ($segments::varchar[] is null or customers.segment in (select unnest($segments::varchar[])))
group by risk.band
order by mean_score desc
