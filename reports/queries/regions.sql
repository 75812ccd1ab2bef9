-- Headline metrics of the week per region (national report only), one row per region.
-- requires: marts.rpt_metrics__weekly
with weekly as (
    select * from marts.rpt_metrics__weekly
    where dimension = 'all'
        and region <> '*'
        and region <> $no_region  -- events of no known customer count nationally only
        and week_start = $week_start
        and list_contains($headline, metric)
),

final as (
    select
        region,
        region = $no_region as is_unknown_region,
        map_from_entries(list({'k': metric, 'v': value})) as value_of
    from weekly
    group by region
    order by is_unknown_region, region
)

select * from final
