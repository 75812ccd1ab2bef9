-- Messages as loaded: contract columns, typed, instants in UTC, one row per message_id.
with source as (
    select * from raw.messages
),

final as (
    select
        message_id,
        customer_id,
        received_at,
        channel,
        body,
        subject,
        language,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
