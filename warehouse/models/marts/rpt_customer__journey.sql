-- One customer's story as events in time order: every call, ticket, appointment, message and
-- notification of an identified customer, each with the flags of what went wrong (computed on
-- the facts, as codes) and its facts as JSON (queue, wait, status...: data, not sentences; a
-- reader says them in its language, ecoute.reports.i18n.Lang.detail). Tickets that took service away carry when it was lost and
-- when it came back, so a reader can count the days without service as of any date.
with calls as (
    select * from core.fct_calls
    where customer_id is not null
),

tickets as (
    select * from core.fct_tickets
),

appointments as (
    select * from core.fct_appointments
),

messages as (
    select * from core.fct_messages
),

notifications as (
    select * from core.fct_notifications
),

-- Why each intent was read in a message: its phrase (or the model's n-grams), language, method
-- and the clause it came from, so the agent can check the reading.
intent_evidence as (
    select
        message_id,
        list(
            intent || ': ' || phrase
            || ' (' || coalesce(language, '?') || ', ' || coalesce(method, '?') || ')'
            || coalesce(' in: ' || clause, '')
            order by intent
        ) as intent_evidence
    from intermediate.int_messages__intents
    group by message_id
),

call_events as (
    select
        customer_id,
        started_at as event_at,
        'call' as kind,
        call_id as event_id,
        list_filter([
            case when is_abandoned then 'abandoned' end,
            case when is_dropped then 'dropped' end,
            case when is_drop_window_elapsed and has_callback = false then 'no_callback_within_window' end,
            case when is_customer_recall then 'had_to_call_again' end,
            case when is_repeat then 'repeat' end,
            case when is_unlogged then 'unlogged' end,
            case when is_context_loss then 'context_lost' end
        ], flag -> flag is not null) as flags,
        to_json({
            'initiation': initiation,
            'queue': queue,
            'agent': agent_id,
            'wait_s': round(wait_s)::bigint,
            'answered': coalesce(is_answered, false),
            'handle_min': case when is_answered then round(handle_s / 60.0, 1) end,
            'outcome': outcome,
            'ticket': ticket_id
        }) as facts,
        null::timestamptz as service_lost_from_at,
        null::timestamptz as service_back_at
    from calls
),

ticket_events as (
    select
        customer_id,
        opened_at as event_at,
        'ticket' as kind,
        ticket_id as event_id,
        list_filter([
            case when is_service_lost then 'without_service' end,
            case when is_restored_within_target = false then 'restore_target_missed' end,
            case when is_reopened then 'reopened' end,
            case when is_first_time_fix = false then 'not_fixed_first_visit' end
        ], flag -> flag is not null) as flags,
        to_json({
            'category': category,
            'status': status,
            'service_loss': service_loss,
            'reopened': reopened_count,
            'outage': outage_id
        }) as facts,
        case when is_service_lost then opened_at end as service_lost_from_at,
        case when is_service_lost then service_restored_at end as service_back_at
    from tickets
),

appointment_events as (
    select
        customer_id,
        window_start as event_at,
        'appointment' as kind,
        appointment_id as event_id,
        list_filter([
            case when is_missed then 'missed_visit' end,
            case when is_unannounced then 'unannounced' end,
            case when is_late_operator_cancel then 'late_cancellation' end,
            case when is_arrived_late then 'arrived_late' end,
            case when is_due and is_wide_window then 'whole_day_window' end,
            case when status = 'customer_absent' then 'customer_absent' end
        ], flag -> flag is not null) as flags,
        to_json({
            'status': status,
            'window_h': round(window_h, 1),
            'lead_days': round(lead_time_days, 1),
            'technician': technician_id,
            'ticket': ticket_id
        }) as facts,
        null::timestamptz as service_lost_from_at,
        null::timestamptz as service_back_at
    from appointments
),

message_events as (
    select
        customer_id,
        received_at as event_at,
        'message' as kind,
        message_id as event_id,
        list_concat(
            list_filter([
                case when is_repeat then 'repeat' end,
                case when is_context_loss then 'context_lost' end
            ], flag -> flag is not null),
            list_transform(intents, intent -> 'intent:' || intent)
        ) as flags,
        to_json({'channel': channel, 'subject': subject}) as facts,
        null::timestamptz as service_lost_from_at,
        null::timestamptz as service_back_at
    from messages
),

notification_events as (
    select
        customer_id,
        sent_at as event_at,
        'notification' as kind,
        notification_id as event_id,
        []::varchar[] as flags,
        to_json({'notification': kind, 'channel': channel, 'ref': ref_id}) as facts,
        null::timestamptz as service_lost_from_at,
        null::timestamptz as service_back_at
    from notifications
),

unioned as (
    select * from call_events
    union all
    select * from ticket_events
    union all
    select * from appointment_events
    union all
    select * from message_events
    union all
    select * from notification_events
),

final as (
    select
        customer_id,
        event_at,
        timezone(getvariable('tz'), event_at)::date as event_date,
        kind,
        event_id,
        flags,
        facts,
        service_lost_from_at,
        service_back_at,
        intent_evidence.intent_evidence
    from unioned
    left join intent_evidence
        on unioned.kind = 'message' and unioned.event_id = intent_evidence.message_id
    order by customer_id, event_at, kind, event_id
)

select * from final
