-- Notifications as loaded: contract columns, typed, instants in UTC, one row per notification_id.
with source as (
    select * from raw.notifications
),

final as (
    select
        notification_id,
        customer_id,
        sent_at,
        kind,
        channel,
        ref_id,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
