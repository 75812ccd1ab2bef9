-- One row per customer active at the cut-off: the service signals of the last
-- `risk_window_days` before it, tenure, plan, fee and the raw `extra` attributes — the input
-- of churn risk (ecoute/risk, docs/churn.md). Nothing after the cut-off is read: an event
-- counts only if it happened, and its flag could be known, before `as_of_at`.
-- The cut-off is the variable `risk_as_of` (a date; its local midnight is the instant); unset,
-- the build's cut-off (int_customers__risk_cutoff: by default the Monday starting the data's
-- current ISO week). `*_recent` columns count the last `risk_recent_days` (default 28) only.
with customers as (
    select * from staging.stg_customers
),

calls as (
    select * from core.fct_calls
    where customer_id is not null
),

drops as (
    select * from intermediate.int_calls__drops_followed
),

contacts as (
    select * from core.fct_contacts
),

appointments as (
    select * from core.fct_appointments
),

tickets as (
    select * from core.fct_tickets
),

messages as (
    select * from core.fct_messages
),

intents as (
    select * from intermediate.int_messages__intents
),

cutoff as (
    select
        coalesce(
            try_cast(getvariable('risk_as_of') as date),
            (select as_of_date from intermediate.int_customers__risk_cutoff)
        ) as as_of_date
),

-- Ages are taken in whole microseconds (epoch_us(a) - epoch_us(b)), split into days and the
-- rest as epoch(a - b) would add them, never as epoch(a - b) itself: subtracting two
-- timestamptz is ICU's calendar arithmetic, ~100 µs a row (this model's largest cost), and in a
-- session whose TimeZone is not UTC it counts local days, so a DST change moved the ages by an
-- hour. The same numbers as before in a UTC session, to the last bit (docs/performance.md,
-- Session 7).
bounds as (
    select
        as_of_date,
        timezone(getvariable('tz'), as_of_date::timestamp) as as_of_at,
        timezone(
            getvariable('tz'),
            (as_of_date - cast(getvariable('risk_window_days') as integer))::timestamp
        ) as window_start_at,
        timezone(
            getvariable('tz'),
            (as_of_date - coalesce(cast(getvariable('risk_recent_days') as integer), 28))::timestamp
        ) as recent_start_at,
        coalesce(cast(getvariable('risk_long_repair_h') as double), 72.0) as long_repair_h,
        coalesce(cast(getvariable('risk_half_life_days') as double), 28.0) * 86400.0
            as half_life_s
    from cutoff
),

active as (
    select customers.*
    from customers
    cross join bounds
    where (customers.customer_since is null or customers.customer_since <= bounds.as_of_date)
      and (customers.churned_at is null or customers.churned_at >= bounds.as_of_date)
),

ticket_calls as (
    -- Inbound calls about one ticket before the cut-off: the customer chasing one problem.
    select
        calls.customer_id,
        calls.ticket_id,
        count(*) as calls_on_ticket
    from calls
    cross join bounds
    where calls.ticket_id is not null
      and calls.is_inbound
      and calls.started_at >= bounds.window_start_at
      and calls.started_at < bounds.as_of_at
    group by all
),

call_signals as (
    -- A drop counts once its callback window has ended before the cut-off, so whether the
    -- operator called back is known at the cut-off.
    select
        calls.customer_id,
        count(*) filter (
            where calls.is_dropped and calls.is_identified
              and drops.callback_window_end_at <= bounds.as_of_at
              and calls.has_callback = false
        ) as dropped_without_callback,
        count(*) filter (
            where calls.is_dropped and calls.is_identified
              and drops.callback_window_end_at <= bounds.as_of_at
              and calls.has_callback = false
              and calls.started_at >= bounds.recent_start_at
        ) as dropped_without_callback_recent,
        -- *_decayed: each event weighs 0.5 ^ (its age / risk_half_life_days, 28 by default).
        sum(power(0.5, ((epoch_us(bounds.as_of_at) - epoch_us(calls.started_at)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(calls.started_at)) % 86400000000 / 1e6) / bounds.half_life_s)) filter (
            where calls.is_dropped and calls.is_identified
              and drops.callback_window_end_at <= bounds.as_of_at
              and calls.has_callback = false
        ) as dropped_without_callback_decayed,
        count(*) filter (where calls.is_unlogged) as unlogged_calls,
        count(*) filter (where calls.is_abandoned) as abandoned_calls,
        count(*) filter (where calls.is_abandoned and calls.started_at >= bounds.recent_start_at)
            as abandoned_calls_recent,
        sum(power(0.5, ((epoch_us(bounds.as_of_at) - epoch_us(calls.started_at)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(calls.started_at)) % 86400000000 / 1e6) / bounds.half_life_s))
            filter (where calls.is_abandoned) as abandoned_calls_decayed,
        max(ticket_calls.calls_on_ticket) as max_calls_per_ticket,
        -- Any drop counts here: whether it is called back may only be known after the cut-off.
        max(calls.started_at) filter (where calls.is_dropped or calls.is_abandoned)
            as last_call_failure_at
    from calls
    cross join bounds
    left join drops using (call_id)
    left join ticket_calls
        on ticket_calls.customer_id = calls.customer_id
        and ticket_calls.ticket_id = calls.ticket_id
    where calls.started_at >= bounds.window_start_at
      and calls.ended_at < bounds.as_of_at
    group by calls.customer_id
),

contact_signals as (
    select
        contacts.customer_id,
        count(*) as contacts,
        count(*) filter (where contacts.contact_at >= bounds.recent_start_at) as contacts_recent,
        sum(power(0.5, ((epoch_us(bounds.as_of_at) - epoch_us(contacts.contact_at)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(contacts.contact_at)) % 86400000000 / 1e6) / bounds.half_life_s))
            as contacts_decayed,
        count(*) filter (where contacts.is_repeat) as repeat_contacts,
        max(contacts.contact_at) filter (where contacts.is_repeat) as last_repeat_at
    from contacts
    cross join bounds
    where contacts.contact_at >= bounds.window_start_at
      and contacts.contact_at < bounds.as_of_at
    group by contacts.customer_id
),

visit_signals as (
    -- A visit counts once its promised window has ended before the cut-off.
    select
        appointments.customer_id,
        count(*) filter (where appointments.is_missed and appointments.is_unannounced)
            as missed_visits_unannounced,
        count(*) filter (where appointments.is_missed and not appointments.is_unannounced)
            as missed_visits_announced,
        count(*) filter (
            where appointments.is_missed and appointments.window_start >= bounds.recent_start_at
        ) as missed_visits_recent,
        sum(power(0.5, ((epoch_us(bounds.as_of_at) - epoch_us(appointments.window_start)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(appointments.window_start)) % 86400000000 / 1e6) / bounds.half_life_s))
            filter (where appointments.is_missed) as missed_visits_decayed,
        max(appointments.window_start) filter (where appointments.is_missed) as last_missed_at
    from appointments
    cross join bounds
    where appointments.window_start >= bounds.window_start_at
      and appointments.window_end <= bounds.as_of_at
    group by appointments.customer_id
),

ticket_signals as (
    -- Open at the cut-off: reported before it and not restored before it (a restore after
    -- the cut-off is what makes the repair open *at* the cut-off, not knowledge of the future).
    select
        tickets.customer_id,
        coalesce(max(((epoch_us(bounds.as_of_at) - epoch_us(tickets.opened_at)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(tickets.opened_at)) % 86400000000 / 1e6) / 86400.0) filter (
            where tickets.is_fault
              and (tickets.service_restored_at is null
                   or tickets.service_restored_at >= bounds.as_of_at)
        ), 0) as open_repair_days,
        -- Summed in whole microseconds, then divided: a sum of fractions depends on the order
        -- of the rows, and rounding then flips at .005 between two builds of the same data.
        coalesce(sum(
            epoch_us(
                least(coalesce(tickets.service_restored_at, bounds.as_of_at), bounds.as_of_at)
            )
            - epoch_us(greatest(tickets.opened_at, bounds.window_start_at))
        ) filter (
            where tickets.is_service_lost
              and coalesce(tickets.service_restored_at, bounds.as_of_at) > bounds.window_start_at
        ), 0) / 86400e6 as days_without_service,
        count(*) filter (
            where tickets.target_at <= bounds.as_of_at
              and tickets.target_at > bounds.window_start_at
              and tickets.is_fault
              and (tickets.service_restored_at is null
                   or tickets.service_restored_at >= tickets.target_at)
        ) as restore_targets_missed,
        count(*) filter (
            where tickets.opened_at >= bounds.window_start_at
        ) as tickets_opened,
        -- Repairs that took (or, still open, have taken) longer than risk_long_repair_h.
        count(*) filter (
            where tickets.is_fault
              and tickets.opened_at >= bounds.window_start_at
              and tickets.opened_at + to_seconds(bounds.long_repair_h * 3600) <= bounds.as_of_at
              and (tickets.service_restored_at is null
                   or tickets.service_restored_at
                       > tickets.opened_at + to_seconds(bounds.long_repair_h * 3600))
        ) as long_repairs,
        count(*) filter (
            where tickets.is_fault
              and tickets.opened_at >= bounds.recent_start_at
              and tickets.opened_at + to_seconds(bounds.long_repair_h * 3600) <= bounds.as_of_at
              and (tickets.service_restored_at is null
                   or tickets.service_restored_at
                       > tickets.opened_at + to_seconds(bounds.long_repair_h * 3600))
        ) as long_repairs_recent,
        sum(power(0.5, ((epoch_us(bounds.as_of_at) - epoch_us(tickets.opened_at)) // 86400000000 * 86400
            + (epoch_us(bounds.as_of_at) - epoch_us(tickets.opened_at)) % 86400000000 / 1e6) / bounds.half_life_s)) filter (
            where tickets.is_fault
              and tickets.opened_at >= bounds.window_start_at
              and tickets.opened_at + to_seconds(bounds.long_repair_h * 3600) <= bounds.as_of_at
              and (tickets.service_restored_at is null
                   or tickets.service_restored_at
                       > tickets.opened_at + to_seconds(bounds.long_repair_h * 3600))
        ) as long_repairs_decayed
    from tickets
    cross join bounds
    where tickets.opened_at < bounds.as_of_at
    group by tickets.customer_id
),

message_intents as (
    select
        messages.customer_id,
        count(distinct messages.message_id) as complaint_messages,
        count(distinct messages.message_id) filter (where intents.intent = 'churn_threat')
            as churn_threat_messages,
        count(distinct messages.message_id) filter (where intents.intent = 'ombudsman_threat')
            as ombudsman_threat_messages,
        count(distinct messages.message_id) filter (where intents.intent = 'compensation_request')
            as compensation_request_messages,
        max(messages.received_at) as last_complaint_at
    from messages
    cross join bounds
    inner join intents using (message_id)
    where messages.received_at >= bounds.window_start_at
      and messages.received_at < bounds.as_of_at
    group by messages.customer_id
),

joined as (
    select
        active.customer_id,
        bounds.as_of_date,
        bounds.as_of_at,
        active.segment,
        active.region,
        active.plan,
        active.language,
        active.monthly_fee::double as monthly_fee,
        active.customer_since,
        active.extra,
        epoch_us(bounds.as_of_at) - epoch_us(greatest(
            call_signals.last_call_failure_at, contact_signals.last_repeat_at,
            visit_signals.last_missed_at, message_intents.last_complaint_at
        )) as since_last_failure_us,
        call_signals.* exclude (customer_id),
        contact_signals.* exclude (customer_id),
        visit_signals.* exclude (customer_id),
        ticket_signals.* exclude (customer_id),
        message_intents.* exclude (customer_id)
    from active
    cross join bounds
    left join call_signals using (customer_id)
    left join contact_signals using (customer_id)
    left join visit_signals using (customer_id)
    left join ticket_signals using (customer_id)
    left join message_intents using (customer_id)
),

final as (
    select
        customer_id,
        as_of_date,
        segment,
        region,
        plan,
        language,
        monthly_fee,
        customer_since,
        case when customer_since is not null then as_of_date - customer_since end as tenure_days,
        coalesce(dropped_without_callback, 0) as dropped_without_callback,
        coalesce(missed_visits_unannounced, 0) as missed_visits_unannounced,
        coalesce(missed_visits_announced, 0) as missed_visits_announced,
        coalesce(repeat_contacts, 0) as repeat_contacts,
        coalesce(unlogged_calls, 0) as unlogged_calls,
        coalesce(abandoned_calls, 0) as abandoned_calls,
        coalesce(contacts, 0) as contacts,
        round(coalesce(open_repair_days, 0), 2)::double as open_repair_days,
        -- Overlapping tickets would count a day twice: never more than the window itself.
        round(least(coalesce(days_without_service, 0), getvariable('risk_window_days')), 2)::double
            as days_without_service,
        coalesce(restore_targets_missed, 0) as restore_targets_missed,
        coalesce(tickets_opened, 0) as tickets_opened,
        coalesce(long_repairs, 0) as long_repairs,
        coalesce(dropped_without_callback_recent, 0) as dropped_without_callback_recent,
        coalesce(missed_visits_recent, 0) as missed_visits_recent,
        coalesce(long_repairs_recent, 0) as long_repairs_recent,
        coalesce(abandoned_calls_recent, 0) as abandoned_calls_recent,
        coalesce(contacts_recent, 0) as contacts_recent,
        round(coalesce(dropped_without_callback_decayed, 0), 4)::double
            as dropped_without_callback_decayed,
        round(coalesce(missed_visits_decayed, 0), 4)::double as missed_visits_decayed,
        round(coalesce(long_repairs_decayed, 0), 4)::double as long_repairs_decayed,
        round(coalesce(abandoned_calls_decayed, 0), 4)::double as abandoned_calls_decayed,
        round(coalesce(contacts_decayed, 0), 4)::double as contacts_decayed,
        coalesce(max_calls_per_ticket, 0) as max_calls_per_ticket,
        coalesce(complaint_messages, 0) as complaint_messages,
        coalesce(churn_threat_messages, 0) as churn_threat_messages,
        coalesce(ombudsman_threat_messages, 0) as ombudsman_threat_messages,
        coalesce(compensation_request_messages, 0) as compensation_request_messages,
        round((since_last_failure_us // 86400000000 * 86400
            + since_last_failure_us % 86400000000 / 1e6) / 86400.0, 2)::double
            as days_since_last_failure,
        extra
    from joined
)

select * from final
