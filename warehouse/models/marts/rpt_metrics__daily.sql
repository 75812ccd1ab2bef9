-- Every metric per local day, long: one row per metric and slice.
-- Slices: region = '*' (all regions) or one region; dimension = 'all' (dimension_value '*') or
-- one of segment, queue, agent, technician, category. Sum numerators and denominators across
-- the values of one dimension to re-aggregate a ratio or mean; kind = 'percentile' rows are
-- computed per slice and cannot be combined. See docs/metrics.md.
-- grain: period — per day/week over all customers: rebuilt in full from the facts
with calls as (
    select * from marts.rpt_metrics__calls
),

appointments as (
    select * from marts.rpt_metrics__appointments
),

tickets as (
    select * from marts.rpt_metrics__tickets
),

backlog as (
    select * from marts.rpt_metrics__backlog
),

communication as (
    select * from marts.rpt_metrics__communication
),

unioned as (
    select * from calls
    union all by name
    select * from appointments
    union all by name
    select * from tickets
    union all by name
    select * from backlog
    union all by name
    select * from communication
),

final as (
    select
        period_start as metric_date,
        metric,
        kind,
        region,
        dimension,
        dimension_value,
        numerator,
        denominator,
        value
    from unioned
    where grain = 'day'
    order by metric_date
)

select * from final
