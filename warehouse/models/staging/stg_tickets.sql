-- Tickets as loaded: contract columns, typed, instants in UTC, one row per ticket_id.
with source as (
    select * from raw.tickets
),

final as (
    select
        ticket_id,
        customer_id,
        opened_at,
        status,
        category,
        channel,
        priority,
        service_loss,
        restored_at,
        resolved_at,
        closed_at,
        reopened_count,
        root_cause,
        outage_id,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
