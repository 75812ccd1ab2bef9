-- Metrics per period (ISO week or local day) over a date range, for one slice of the long
-- metric mart: numerators and denominators are summed across the slice's values, so ratios
-- and means re-aggregate exactly. Percentile rows are never asked for (they cannot combine).
-- {table}/{period} are fixed by the code (weekly: week_start, daily: metric_date).
select
    {period} as period,
    metric,
    any_value(kind) as kind,
    sum(numerator) as numerator,
    sum(denominator) as denominator
from {table}
where {period} between $start and $end
    and metric in (select unnest($metrics::varchar[]))
    and region = $region
    and dimension = $dimension
    and ($slice_values::varchar[] is null or dimension_value in (select unnest($slice_values::varchar[])))
    and ($team::varchar is null or coalesce(nullif(regexp_extract(dimension_value, $team_re, 1), ''), dimension_value) = $team)
group by all
order by period, metric
