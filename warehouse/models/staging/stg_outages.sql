-- Outages as loaded: contract columns, typed, instants in UTC, one row per outage_id.
with source as (
    select * from raw.outages
),

final as (
    select
        outage_id,
        started_at,
        ended_at,
        region,
        cause,
        affected_customers,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
