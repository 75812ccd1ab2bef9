-- The cut-off of the build's churn-risk snapshot (the risk features and their scores; not named
-- here, as a model's text names its dependencies): one row. The variable `risk_as_of` wins;
-- else, with `[risk] build_cutoff = "week"` (the default), the Monday that starts the current
-- ISO week of the data: the Monday on or before the day after the horizon, local dates in `tz`,
-- so every complete ISO week is in and a partial one is not read yet; with "day", the day after
-- the horizon itself. A customer table without any event: the latest customer_since.
-- Why weekly (docs/churn.md): the report and the managers work by week, and a cut-off that
-- stays put all week lets a daily load rescore only the customers it touched.
with customers as (
    select * from staging.stg_customers
),

horizon as (
    select * from intermediate.int_data__horizon
),

day_after as (
    select timezone(getvariable('tz'), horizon_at)::date + 1 as day_after_date
    from horizon
),

final as (
    select
        coalesce(
            try_cast(getvariable('risk_as_of') as date),
            case coalesce(getvariable('risk_build_cutoff'), 'week')
                when 'day' then day_after_date
                -- ISO weeks start on Monday.
                when 'week' then cast(date_trunc('week', day_after_date) as date)
                else error('[risk] build_cutoff must be "week" or "day"')
            end,
            (select max(customer_since) from customers)
        ) as as_of_date
    from day_after
)

select * from final
