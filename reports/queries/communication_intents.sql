-- What written complaints were about: the share of messages carrying each intent, this week
-- and last week.
-- requires: marts.rpt_metrics__weekly
with weekly as (
    select * from marts.rpt_metrics__weekly
    where dimension = 'all'
        and region = coalesce($region, '*')
        and week_start in ($week_start, $previous_start)
        and metric like 'complaint_intent_share.%'
),

final as (
    select
        replace(metric, 'complaint_intent_share.', '') as intent,
        max(numerator) filter (where week_start = $week_start) as messages,
        max(value) filter (where week_start = $week_start) as share,
        max(value) filter (where week_start = $previous_start) as previous_share
    from weekly
    group by metric
    order by messages desc nulls last, intent
)

select * from final
