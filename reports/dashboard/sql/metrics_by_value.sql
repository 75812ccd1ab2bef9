-- Metrics per value of one dimension (queue, or technician rolled up to its team) over a date
-- range, within a region or all regions; numerators and denominators summed.
select
    case when $dimension = 'technician'
        then coalesce(nullif(regexp_extract(dimension_value, $team_re, 1), ''), dimension_value)
        else dimension_value
    end as value,
    metric,
    sum(numerator) as numerator,
    sum(denominator) as denominator
from marts.rpt_metrics__weekly
where week_start between $start and $end
    and metric in (select unnest($metrics::varchar[]))
    and region = $region
    and dimension = $dimension
group by all
