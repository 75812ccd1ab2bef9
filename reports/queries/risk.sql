-- The customers most at risk of leaving, scored as of the latest cut-off up to the week's end
-- (marts.rpt_customers__risk: one row per customer and cut-off), with the size of the high band.
-- A cut-off is a date whose local midnight is the instant: the Monday after the week (the
-- build's weekly cut-off once the week's data is in) covers the whole week and nothing after.
-- requires: marts.rpt_customers__risk, core.dim_customers
with risk as (
    select * from marts.rpt_customers__risk
),

customers as (
    select * from core.dim_customers
),

cutoff as (
    select max(as_of) as as_of
    from risk
    where as_of <= $week_end
),

scored as (
    select
        risk.customer_id,
        customers.region,
        risk.as_of,
        risk.score,
        risk.band,
        risk.reasons,
        risk.mode
    from risk
    inner join cutoff using (as_of)
    left join customers using (customer_id)
    where $region is null or customers.region = $region
),

-- Counted once, not as `count(*) filter (…) over ()` on every row: DuckDB 1.5 took 10 s
-- for that window over the demo's 47,786 scores (a fraction of a millisecond this way).
counts as (
    select
        count(*) as customers_scored,
        count(*) filter (where band = 'high') as customers_high
    from scored
),

final as (
    select scored.*, counts.customers_scored, counts.customers_high
    from scored
    cross join counts
    order by score desc, customer_id
    limit $top
)

select * from final
