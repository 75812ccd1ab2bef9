-- The week's contact-centre metrics per queue, busiest queue first.
-- requires: marts.rpt_metrics__weekly
with weekly as (
    select * from marts.rpt_metrics__weekly
    where dimension = 'queue'
        and region = coalesce($region, '*')
        and week_start = $week_start
),

final as (
    select
        dimension_value as queue,
        max(value) filter (where metric = 'inbound_calls') as inbound_calls,
        max(value) filter (where metric = 'abandon_rate') as abandon_rate,
        max(value) filter (where metric = 'service_level') as service_level,
        max(value) filter (where metric = 'dropped_call_rate') as dropped_call_rate,
        max(value) filter (where metric = 'repeat_contact_rate') as repeat_contact_rate,
        max(value) filter (where metric = 'unlogged_call_rate') as unlogged_call_rate,
        max(value) filter (where metric = 'avg_handle_time_s') as avg_handle_time_s
    from weekly
    group by dimension_value
)

-- A queue is where calls arrive: the slice of contacts without a queue (messages, visits)
-- had no call, and its rates (a repeat-contact share over 0 calls) read as nonsense here;
-- those contacts count in the national cards.
select * from final
where inbound_calls > 0
order by inbound_calls desc, queue
