-- Calls as loaded: contract columns, typed, instants in UTC, one row per call_id.
with source as (
    select * from raw.calls
),

final as (
    select
        call_id,
        direction,
        started_at,
        ended_at,
        initiation,
        previous_call_id,
        customer_id,
        queue,
        agent_id,
        queued_at,
        answered_at,
        disconnect_party,
        outcome,
        ticket_id,
        reason,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
