-- The loads that fed the week's report: those started during the week or the week after it
-- (when the Monday report runs); when none did (a backfill, a demo), the latest few loads.
-- requires: meta.loads
with loads as (
    select * from meta.loads
),

in_window as (
    select * from loads
    where started_at >= $window_start_at
        and started_at < $window_end_at
),

latest as (
    select * from loads
    where not exists (select 1 from in_window)
    order by started_at desc
    limit $max_loads
),

final as (
    select true as in_window, * from in_window
    union all
    select false as in_window, * from latest
    order by started_at
)

select * from final
