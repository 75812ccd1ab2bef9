-- One row per call leg, with every call flag computed once. Flags that do not apply to a
-- call are null (e.g. has_callback on a call that was not dropped). A call belongs to the
-- local day and ISO week in which it started.
with calls as (
    select * from intermediate.int_calls__classified
),

drops as (
    select * from intermediate.int_calls__drops_followed
),

contacts as (
    select * from intermediate.int_contacts__sequenced
    where contact_kind = 'call'
),

customers as (
    select * from core.dim_customers
),

tickets as (
    select ticket_id from staging.stg_tickets
),

horizon as (
    select * from intermediate.int_data__horizon
),

joined as (
    select
        calls.*,
        drops.callback_window_end_at,
        drops.first_callback_at,
        drops.first_recall_at,
        contacts.contact_id is not null as is_contact,
        contacts.is_repeat,
        contacts.is_context_loss,
        contacts.is_fcr,
        customers.region,
        customers.segment,
        customers.customer_id is not null and not customers.is_unknown as has_known_customer,
        tickets.ticket_id is not null as has_known_ticket,
        horizon.contacts_horizon_at
    from calls
    left join drops using (call_id)
    left join contacts on contacts.contact_id = calls.call_id
    left join customers on customers.customer_id = calls.customer_id
    left join tickets on tickets.ticket_id = calls.ticket_id
    cross join horizon
),

final as (
    select
        call_id,
        customer_id,
        direction,
        initiation,
        previous_call_id,
        queue,
        agent_id,
        region,
        segment,
        started_at,
        queued_at,
        answered_at,
        ended_at,
        started_date,
        started_week,
        disconnect_party,
        outcome,
        ticket_id,
        reason,
        wait_s,
        handle_s,
        is_identified,
        has_known_customer,
        has_known_ticket,
        is_inbound,
        is_operator_initiated,
        is_answered,
        is_short_abandon,
        is_abandoned,
        is_inbound and not is_short_abandon as is_abandon_eligible,
        is_inbound and (is_answered or is_abandoned) as is_service_level_eligible,
        is_answered_within_sl,
        is_dropped,
        is_dropped and is_identified
            and callback_window_end_at <= contacts_horizon_at as is_drop_window_elapsed,
        -- Both wait for the whole callback window, even when the callback or the recall
        -- already came: an unsettled day must not count only its successes or failures.
        case
            when is_dropped and is_identified and callback_window_end_at <= contacts_horizon_at
                then first_callback_at is not null
        end as has_callback,
        case
            when is_dropped and is_identified and callback_window_end_at <= contacts_horizon_at
                then first_recall_at is not null
                    and (first_callback_at is null or first_recall_at < first_callback_at)
        end as is_customer_recall,
        first_callback_at,
        is_contact,
        case when is_contact then is_repeat end as is_repeat,
        case when is_contact then is_context_loss end as is_context_loss,
        is_fcr,
        case when is_inbound and is_answered then ticket_id is null end as is_unlogged
    from joined
)

select * from final
