-- The rules mode's scores of every row of a feature relation (features), in the risk mart's
-- columns (docs/churn.md, Rules): the same numbers as ecoute.risk.rules.score_row, made by
-- DuckDB a column at a time instead of by Python a customer at a time.
-- parts: one struct per rules signal, in ecoute.risk.signals.RULE_INPUTS order — its part of
-- the weighted sum (weight × input), -position (so a descending sort keeps ties in signal
-- order), the reason's code and value — written by warehouse/python/risk_rules.py from the
-- engine's definitions. intercept, min_reason, top: literals. The band is set once the
-- whole cut-off is in (rebands.sql).
with parts as (
    select
        customer_id,
        as_of_date,
        {parts} as parts
    from {features}
),

sums as (
    select
        customer_id,
        as_of_date,
        parts,
        -- A left fold, the order Python adds in: the same sum to the last bit.
        {intercept} + list_reduce(list_transform(parts, p -> p.part), (a, b) -> a + b) as z
    from parts
),

softened as (
    select
        *,
        case when z <= 0 then z else ln(1::double + z) end as s
    from sums
)

select
    customer_id::varchar as customer_id,
    as_of_date::date as as_of,
    round(case when s > -700 then 1::double / (1::double + exp(-s)) else 0::double end, 6) as score,
    null::varchar as band,
    list_transform(
        list_sort(list_filter(parts, p -> p.part >= {min_reason}), 'DESC')[1:{top}],
        p -> {{'code': p.code, 'value': p.value, 'text': null::varchar}}
    ) as reasons,
    'rules' as mode
from softened
