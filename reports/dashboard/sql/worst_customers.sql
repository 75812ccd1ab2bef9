-- The customers whose weeks went worst over a date range: the weekly worst-customer mart's
-- scores and failures summed per customer, within a region and segments when filtered.
select
    customer_id,
    any_value(region) as region,
    any_value(segment) as segment,
    round(sum(score), 1) as score,
    count(*) as bad_weeks,
    sum(missed_unannounced_visits + missed_announced_visits) as missed_visits,
    sum(missed_unannounced_visits) as unannounced,
    sum(dropped_without_callback) as dropped_without_callback,
    round(sum(days_without_service), 1) as days_without_service,
    sum(repeat_contacts) as repeat_contacts,
    sum(context_losses) as context_losses,
    max(week_start) as last_bad_week
from marts.rpt_customers__worst_weekly
where week_start between $start and $end
    and ($region::varchar is null or region = $region)
    and ($segments::varchar[] is null or segment in (select unnest($segments::varchar[])))
group by customer_id
order by score desc, missed_visits desc, customer_id
limit $top
