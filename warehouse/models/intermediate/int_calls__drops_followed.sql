-- What followed each dropped call of an identified customer within `callback_window_h`
-- after the drop ended: the first call the operator made to the customer, and the first time
-- the customer had to call again themselves.
with calls as (
    select * from intermediate.int_calls__classified
),

drops as (
    select
        call_id,
        customer_id,
        ended_at,
        ended_at + to_seconds(getvariable('callback_window_h') * 3600.0) as window_end_at
    from calls
    where is_dropped
      and customer_id is not null
),

callbacks as (
    select
        drops.call_id,
        min(calls.started_at) as first_callback_at
    from drops
    inner join calls
        on calls.customer_id = drops.customer_id
        and calls.is_operator_initiated
        and calls.started_at >= drops.ended_at
        and calls.started_at <= drops.window_end_at
    group by drops.call_id
),

recalls as (
    select
        drops.call_id,
        min(calls.started_at) as first_recall_at
    from drops
    inner join calls
        on calls.customer_id = drops.customer_id
        and calls.is_inbound
        and calls.call_id <> drops.call_id
        and calls.started_at >= drops.ended_at
        and calls.started_at <= drops.window_end_at
    group by drops.call_id
),

final as (
    select
        drops.call_id,
        drops.window_end_at as callback_window_end_at,
        callbacks.first_callback_at,
        recalls.first_recall_at
    from drops
    left join callbacks using (call_id)
    left join recalls using (call_id)
)

select * from final
