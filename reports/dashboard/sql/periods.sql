-- The ISO weeks the marts hold and the data's horizon (local), to bound the date filter:
-- a week is complete when the horizon is at or after its end.
with horizon as (
    select timezone(
        json_extract_string(tz.value, '$'),
        json_extract_string(h.value, '$')::timestamptz
    ) as horizon_local
    from marts.rpt_metrics__params as tz, marts.rpt_metrics__params as h
    where tz.name = 'timezone' and h.name = 'data_horizon_at'
),

weeks as (
    select distinct week_start from marts.rpt_metrics__weekly
)

select
    weeks.week_start,
    weeks.week_start + 7 <= horizon.horizon_local as is_complete,
    horizon.horizon_local
from weeks
left join horizon on true
order by weeks.week_start
