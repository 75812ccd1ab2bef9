-- Compensation that became due in the week, per rule pack and rule (core.fct_compensation).
-- requires: core.fct_compensation, core.dim_customers
with compensation as (
    select * from core.fct_compensation
),

customers as (
    select * from core.dim_customers
),

final as (
    select
        compensation.pack,
        compensation.rule,
        compensation.currency,
        count(distinct compensation.customer_id) as customers,
        count(*) as lines,
        sum(compensation.amount)::double as amount,
        -- Null (unknown) unless every line's payment status is known: without payments
        -- loaded nothing is known to be outstanding or settled, and a sum would read 0.00.
        case
            when count(compensation.outstanding_amount) = count(*)
                then sum(compensation.outstanding_amount)::double
        end as outstanding_amount
    from compensation
    left join customers using (customer_id)
    where compensation.accrued_date >= $week_start
        and compensation.accrued_date < $week_end
        and ($region is null or customers.region = $region)
    group by all
    order by amount desc, pack, rule
)

select * from final
