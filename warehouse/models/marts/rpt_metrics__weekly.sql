-- Every metric per ISO week (Monday 00:00 local time), long: one row per metric and slice.
-- Slices: region = '*' (all regions) or one region; dimension = 'all' (dimension_value '*') or
-- one of segment, queue, agent, technician, category. Sum numerators and denominators across
-- the values of one dimension to re-aggregate a ratio or mean; kind = 'percentile' rows are
-- computed per slice and cannot be combined. See docs/metrics.md.
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

-- Explicit columns rather than `union all by name`: the same in every engine (Spark
-- runs these models too, docs/spark.md); every metric mart has these columns.
unioned as (
    select grain, period_start, metric, kind, region, dimension, dimension_value, numerator, denominator, value
    from calls
    union all
    select grain, period_start, metric, kind, region, dimension, dimension_value, numerator, denominator, value
    from appointments
    union all
    select grain, period_start, metric, kind, region, dimension, dimension_value, numerator, denominator, value
    from tickets
    union all
    select grain, period_start, metric, kind, region, dimension, dimension_value, numerator, denominator, value
    from backlog
    union all
    select grain, period_start, metric, kind, region, dimension, dimension_value, numerator, denominator, value
    from communication
),

final as (
    select
        period_start as week_start,
        metric,
        kind,
        region,
        dimension,
        dimension_value,
        numerator,
        denominator,
        value
    from unioned
    where grain = 'week'
    order by week_start
)

select * from final
