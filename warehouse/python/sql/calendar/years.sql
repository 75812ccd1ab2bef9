-- The first and last year anything happened in (null, null without any event).
select min(y), max(y) from (
    select year(min(started_at)) as y from staging.stg_calls union all
    select year(max(started_at)) from staging.stg_calls union all
    select year(min(opened_at)) from staging.stg_tickets union all
    select year(max(opened_at)) from staging.stg_tickets union all
    select year(min(window_start)) from staging.stg_appointments union all
    select year(max(window_start)) from staging.stg_appointments union all
    select year(min(received_at)) from staging.stg_messages union all
    select year(max(received_at)) from staging.stg_messages
)
