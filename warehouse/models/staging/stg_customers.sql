-- Customers as loaded: contract columns, typed, instants in UTC, one row per customer_id.
with source as (
    select * from raw.customers
),

final as (
    select
        customer_id,
        segment,
        region,
        plan,
        monthly_fee,
        customer_since,
        churned_at,
        language,
        extra,
        _load_id,
        _source_file,
        _line
    from source
)

select * from final
