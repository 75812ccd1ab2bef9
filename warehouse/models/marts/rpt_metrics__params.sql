-- The parameters the marts were built with (so every reader prints the values in force),
-- and the data's horizon: windows ending after it had not elapsed when the marts were built.
with horizon as (
    select * from intermediate.int_data__horizon
),

params as (
    select 'timezone' as name, getvariable('tz')::varchar as value
    union all select 'short_abandon_s', getvariable('short_abandon_s')::varchar
    union all select 'service_level_s', getvariable('service_level_s')::varchar
    union all select 'dropped_parties', getvariable('dropped_parties')::varchar
    union all select 'callback_window_h', getvariable('callback_window_h')::varchar
    union all select 'repeat_window_days', getvariable('repeat_window_days')::varchar
    union all select 'late_cancel_h', getvariable('late_cancel_h')::varchar
    union all select 'max_window_h', getvariable('max_window_h')::varchar
    union all select 'refix_window_days', getvariable('refix_window_days')::varchar
    union all select 'repair_target_working_days', getvariable('repair_target_working_days')::varchar
    union all select 'country', getvariable('country')::varchar
    union all select 'data_horizon_at', strftime(horizon_at, '%Y-%m-%dT%H:%M:%SZ') from horizon
),

final as (
    select * from params
)

select * from final
