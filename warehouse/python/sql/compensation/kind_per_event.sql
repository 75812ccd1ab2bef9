-- Rule kind per_event, event missed_appointment (rules.per_event) for every pack rule of that
-- kind, in SQL: a visit the operator missed (no-show, cancelled with less notice than
-- late_cancel_h, the technician arriving after the window) earns the amount in force on the
-- local date of the window. Text and JSON are the engine's, character for character.
-- Placeholders: as_of, the cut-off literal; candidates, the rows any per_event rule could owe for.
insert into _comp_owed
with appointments as (
    select
        a.appointment_id::varchar as incident_id,
        a.customer_id::varchar as customer_id,
        a.window_start, a.window_end, a.status::varchar as status, a.arrived_at,
        a.customer_notified_at,
        coalesce(a.customer_notified_at, a.cancelled_at) as notice_at,
        r.pack, r.rule, r.kind, r.currency, r.symbol, r.tz,
        r.late_cancel_h, r.late_cancel_text, r.late_arrival_is_missed
    from staging.stg_appointments as a
    cross join _comp_rules as r
    where r.kind = 'per_event'
        and ({candidates})
        and not coalesce(a.window_start > {as_of}, false)
),

missed as (
    select
        *,
        case
            when status = 'no_show' then 'the technician did not come (no-show)'
            when status = 'cancelled_by_operator' then
                case
                    when notice_at is null then
                        'cancelled by the operator, with no cancellation or notification '
                        || 'time recorded'
                    when (epoch_us(window_start) - epoch_us(notice_at))::double / 3600000000.0
                        >= late_cancel_h then null
                    else 'cancelled by the operator with '
                        || printf('%.1f', (epoch_us(window_start) - epoch_us(notice_at))::double
                                          / 3600000000.0)
                        || ' h notice ('
                        || case when customer_notified_at is not null then 'customer told'
                                else 'cancelled' end
                        || ' ' || comp_stamp(notice_at, tz) || '), less than '
                        || late_cancel_text || ' h'
                end
            when late_arrival_is_missed and arrived_at > window_end then
                'the technician arrived after the window, at ' || comp_stamp(arrived_at, tz)
        end as why,
        (window_start at time zone tz)::date as day
    from appointments
),

rated as (
    select m.*, k.effective_from, k.value, k.value_text
    from missed as m
    join _comp_rates as k
        on k.pack = m.pack and k.rule = m.rule and k.key = 'amount'
        and k.effective_from <= m.day and (k.effective_to is null or m.day < k.effective_to)
    where m.why is not null
)

select
    customer_id,
    incident_id,
    'appointment',
    rule,
    pack,
    comp_cents(comp_half_up(comp_micro(value), 10000)),
    currency,
    day,
    pack || '/' || rule || ' for appointment ' || incident_id || ': Missed appointment '
        || comp_stamp(window_start, tz) || '–' || comp_stamp(window_end, tz) || ' (' || tz
        || '): ' || why || '. '
        || comp_money(comp_half_even(comp_micro(value), 10000), symbol, currency)
        || ' (rate from ' || effective_from || ').',
    json_object(
        'pack', pack, 'rule', rule, 'kind', kind, 'incident_kind', 'appointment',
        'incident_id', incident_id, 'timezone', tz, 'as_of', null,
        -- the engine's data sets "amount" again, to the rate's own text
        'amount', value_text, 'currency', currency,
        'window_start', comp_iso(window_start), 'window_end', comp_iso(window_end),
        'status', status, 'why', why, 'accrual_date', day::varchar,
        'rate_from', effective_from::varchar
    )::varchar,
    null::timestamptz
from rated
where value > 0
