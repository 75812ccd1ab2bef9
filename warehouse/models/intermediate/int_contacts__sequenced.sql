-- Customer contacts (inbound calls that are not short abandons, and messages) of identified
-- customers, each placed after the previous one of the same customer: the basis of repeat
-- contacts, context loss and repeat-window FCR.
with calls as (
    select * from intermediate.int_calls__classified
),

messages as (
    select * from staging.stg_messages
),

horizon as (
    select * from intermediate.int_data__horizon
),

contacts as (
    select
        call_id as contact_id,
        'call' as contact_kind,
        customer_id,
        started_at as contact_at,
        is_answered as is_answered_call,
        ticket_id
    from calls
    where is_inbound
      and not is_short_abandon
      and customer_id is not null
    union all
    select
        message_id as contact_id,
        'message' as contact_kind,
        customer_id,
        received_at as contact_at,
        false as is_answered_call,
        null as ticket_id
    from messages
    where customer_id is not null
),

sequenced as (
    select
        *,
        lag(contact_at) over by_customer as previous_contact_at,
        lead(contact_at) over by_customer as next_contact_at,
        last_value(case when is_answered_call then ticket_id is not null end ignore nulls) over (
            partition by customer_id
            order by contact_at, contact_kind, contact_id
            rows between unbounded preceding and 1 preceding
        ) as previous_answered_call_was_logged
    from contacts
    window by_customer as (partition by customer_id order by contact_at, contact_kind, contact_id)
),

windowed as (
    select
        sequenced.*,
        to_days(cast(getvariable('repeat_window_days') as integer)) as repeat_window,
        getvariable('repeat_window_days') * 86400.0 as repeat_window_s,
        horizon.contacts_horizon_at
    from sequenced
    cross join horizon
),

final as (
    select
        contact_id,
        contact_kind,
        customer_id,
        contact_at,
        ticket_id,
        is_answered_call,
        previous_contact_at,
        next_contact_at,
        coalesce(epoch(contact_at) - epoch(previous_contact_at) <= repeat_window_s, false) as is_repeat,
        coalesce(epoch(contact_at) - epoch(previous_contact_at) <= repeat_window_s, false)
            and previous_answered_call_was_logged is not distinct from false as is_context_loss,
        -- Decided only once the whole window has elapsed, even when a repeat already came:
        -- deciding failures early would let an unsettled week count only its failures.
        case
            when not is_answered_call then null
            when contact_at + repeat_window > contacts_horizon_at then null
            else next_contact_at is null or next_contact_at > contact_at + repeat_window
        end as is_fcr
    from windowed
)

select * from final
