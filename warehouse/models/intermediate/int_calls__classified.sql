-- Every call leg with what the call metrics are built from: local day and ISO week of its
-- start, time in queue, and whether it was inbound, answered, abandoned, short-abandoned or dropped.
-- A leg the platform created by a transfer is not a new inbound call (the customer did not call again).
with calls as (
    select * from staging.stg_calls
),

timed as (
    select
        *,
        coalesce(initiation, direction) as initiation_or_default,
        timezone(getvariable('tz'), started_at)::date as started_date,
        -- durations as epoch differences: subtracting timestamptz goes through ICU, 30x slower
        epoch(coalesce(answered_at, ended_at)) - epoch(coalesce(queued_at, started_at)) as wait_s,
        epoch(ended_at) - epoch(answered_at) as leg_handle_s
    from calls
),

classified as (
    select
        *,
        direction = 'inbound' and initiation_or_default <> 'transfer' as is_inbound,
        direction = 'outbound' or initiation_or_default in ('outbound', 'callback')
            as is_operator_initiated,
        answered_at is not null as is_answered,
        -- An unanswered call has two possible parties, customer and system; platforms record
        -- the system's hang-ups, so an unanswered call without a party is the customer's.
        coalesce(disconnect_party, 'customer') = 'customer' as is_ended_by_customer
    from timed
),

final as (
    select
        call_id,
        customer_id,
        direction,
        initiation_or_default as initiation,
        previous_call_id,
        queue,
        agent_id,
        started_at,
        queued_at,
        answered_at,
        ended_at,
        disconnect_party,
        outcome,
        ticket_id,
        reason,
        started_date,
        date_trunc('week', started_date)::date as started_week,
        customer_id is not null as is_identified,
        is_inbound,
        is_operator_initiated,
        is_answered,
        wait_s,
        case when is_inbound and is_answered then leg_handle_s end as handle_s,
        is_inbound and not is_answered and is_ended_by_customer
            and wait_s < getvariable('short_abandon_s') as is_short_abandon,
        is_inbound and not is_answered and is_ended_by_customer
            and wait_s >= getvariable('short_abandon_s') as is_abandoned,
        is_inbound and is_answered
            and wait_s <= getvariable('service_level_s') as is_answered_within_sl,
        is_inbound and is_answered
            and coalesce(list_contains(getvariable('dropped_parties'), disconnect_party), false)
            as is_dropped
    from classified
)

select * from final
