-- _comp_owed into core.fct_compensation, with what was paid per incident (the payments: rows of
-- payments.sql, or none when there is no payments table, and then paid is unknown: null).
-- A payment is per incident; when several rules of a pack owe for one incident it goes to
-- them in rule-name order, each taking up to its amount, the last taking any surplus.
insert into core.fct_compensation
with ordered as (
    select
        o.*,
        p.paid_amount as paid,
        {has_payments} as has_payments,
        coalesce(sum(o.amount) over earlier, 0) as before,
        row_number() over earlier = 1 as first,
        row_number() over (partition by o.pack, o.customer_id, o.incident_id
                           order by o.rule desc) = 1 as last
    from _comp_owed as o
    left join ({payments}) as p using (customer_id, incident_id)
    window earlier as (partition by o.pack, o.customer_id, o.incident_id order by o.rule
                       rows between unbounded preceding and 1 preceding)
),

allocated as (
    select
        *,
        -- left for this rule: what was paid less what the earlier rules took
        case when first then coalesce(paid, 0)
             else greatest(coalesce(paid, 0) - before, 0) end as left_over
    from ordered
)

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
    case when has_payments then case when last then left_over else least(left_over, amount) end end,
    case when has_payments then amount - case when last then left_over
                                              else least(left_over, amount) end end,
    as_of
from allocated
