-- The parameters the marts were built with (so every reader prints the values in force),
-- and the data's horizon: windows ending after it had not elapsed when the marts were built.
with horizon as (
    select * from intermediate.int_data__horizon
),

params as (
    select 'timezone' as name, to_json(getvariable('tz'))::varchar as value
    union all select 'short_abandon_s', to_json(getvariable('short_abandon_s'))::varchar
    union all select 'service_level_s', to_json(getvariable('service_level_s'))::varchar
    union all select 'dropped_parties', to_json(getvariable('dropped_parties'))::varchar
    union all select 'callback_window_h', to_json(getvariable('callback_window_h'))::varchar
    union all select 'repeat_window_days', to_json(getvariable('repeat_window_days'))::varchar
    union all select 'late_cancel_h', to_json(getvariable('late_cancel_h'))::varchar
    union all select 'max_window_h', to_json(getvariable('max_window_h'))::varchar
    union all select 'refix_window_days', to_json(getvariable('refix_window_days'))::varchar
    union all select 'repair_target_working_days', to_json(getvariable('repair_target_working_days'))::varchar
    union all select 'country', to_json(getvariable('country'))::varchar
    union all select 'data_horizon_at', to_json(strftime(horizon_at, '%Y-%m-%dT%H:%M:%SZ'))::varchar from horizon
    union all select 'contacts_horizon_at', to_json(strftime(contacts_horizon_at, '%Y-%m-%dT%H:%M:%SZ'))::varchar from horizon
),

final as (
    select * from params
)

select * from final
