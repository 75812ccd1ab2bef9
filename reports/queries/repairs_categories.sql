-- The week's repair metrics per ticket category.
-- requires: marts.rpt_metrics__weekly
with weekly as (
    select * from marts.rpt_metrics__weekly
    where dimension = 'category'
        and region = coalesce($region, '*')
        and week_start = $week_start
),

final as (
    select
        dimension_value as category,
        max(denominator) filter (where metric = 'restored_within_target') as tickets_due,
        max(value) filter (where metric = 'restored_within_target') as restored_within_target,
        max(value) filter (where metric = 'time_to_restore_p50_h') as time_to_restore_p50_h,
        max(value) filter (where metric = 'time_to_restore_p80_h') as time_to_restore_p80_h,
        max(value) filter (where metric = 'open_fault_backlog') as open_fault_backlog,
        max(value) filter (where metric = 'reopen_rate') as reopen_rate
    from weekly
    group by dimension_value
)

-- A category shows when it holds a ticket this week (due, open or resolved): the slice of
-- contacts without a ticket ("(none)") has no repair to measure and would be a row of dashes.
select * from final
where tickets_due > 0 or open_fault_backlog > 0 or reopen_rate is not null
order by tickets_due desc nulls last, category
