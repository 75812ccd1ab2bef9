-- The customers most at risk of leaving (marts.rpt_customers__risk, once churn risk is built).
-- requires: marts.rpt_customers__risk, core.dim_customers
with risk as (
    select * from marts.rpt_customers__risk
),

customers as (
    select * from core.dim_customers
),

final as (
    select
        risk.customer_id,
        customers.region,
        risk.score,
        risk.band,
        risk.reasons
    from risk
    left join customers using (customer_id)
    where $region is null or customers.region = $region
    order by risk.score desc, risk.customer_id
    limit $top
)

select * from final
