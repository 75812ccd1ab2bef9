-- One metric per region over a date range (the ranked bars): the slice's dimension crossed
-- with region, numerators and denominators summed over the weeks and the slice's values.
-- '(none)' (events of no known customer, e.g. unidentified callers) counts in the national
-- figures but is not a region to rank.
select
    region,
    sum(numerator) as numerator,
    sum(denominator) as denominator
from marts.rpt_metrics__weekly
where week_start between $start and $end
    and metric = $metric
    and region not in ('*', '(none)')
    and dimension = $dimension
    and ($slice_values::varchar[] is null or dimension_value in (select unnest($slice_values::varchar[])))
    and ($team::varchar is null or coalesce(nullif(regexp_extract(dimension_value, $team_re, 1), ''), dimension_value) = $team)
group by all
