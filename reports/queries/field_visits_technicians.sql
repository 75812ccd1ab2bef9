-- The technicians with the most missed visits this week (the top few).
-- requires: marts.rpt_metrics__weekly
with weekly as (
    select * from marts.rpt_metrics__weekly
    where dimension = 'technician'
        and region = coalesce($region, '*')
        and week_start = $week_start
),

pivoted as (
    select
        dimension_value as technician_id,
        max(value) filter (where metric = 'appointments_due') as appointments_due,
        max(numerator) filter (where metric = 'missed_visit_rate') as missed_visits,
        max(value) filter (where metric = 'missed_visit_rate') as missed_visit_rate,
        max(numerator) filter (where metric = 'unannounced_miss_rate') as unannounced_misses,
        max(value) filter (where metric = 'window_adherence') as window_adherence
    from weekly
    group by dimension_value
),

final as (
    select * from pivoted
    where missed_visits > 0
    order by missed_visits desc, unannounced_misses desc nulls last, technician_id
    limit $top
)

select * from final
