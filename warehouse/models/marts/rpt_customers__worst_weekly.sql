-- Customers whose ISO week went worst, with the failures that made it so and a score:
-- a weighted count of failures (weights below, each overridable as a [metrics] key
-- `worst_weight_<failure>`), ties broken by the heavier failures first, then customer_id.
-- Each failure counts in the week of its event (a visit: when due; a drop: when the call
-- started; days without service: the part of the customer's outages, overlaps counted once,
-- that fell in the week).
with calls as (
    select * from core.fct_calls
    where customer_id is not null
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

customers as (
    select * from core.dim_customers
),

horizon as (
    select * from intermediate.int_data__horizon
),

weeks as (
    select distinct
        date_trunc('week', calendar_date)::date as week_start,
        timezone(getvariable('tz'), date_trunc('week', calendar_date)::date::timestamp) as week_start_at,
        timezone(getvariable('tz'), (date_trunc('week', calendar_date)::date + 7)::timestamp)
            as week_end_at
    from intermediate.int_calendar__working_days
),

call_failures as (
    select
        started_week as week_start,
        customer_id,
        count(*) filter (where is_drop_window_elapsed and has_callback = false)
            as dropped_without_callback,
        count(*) filter (where is_unlogged) as unlogged_calls
    from calls
    group by all
),

contact_failures as (
    select
        contact_week as week_start,
        customer_id,
        count(*) filter (where is_repeat) as repeat_contacts,
        count(*) filter (where is_context_loss) as context_losses
    from contacts
    group by all
),

visit_failures as (
    select
        due_week as week_start,
        customer_id,
        count(*) filter (where is_missed and is_unannounced) as missed_unannounced_visits,
        count(*) filter (where is_missed and not is_unannounced) as missed_announced_visits
    from appointments
    group by all
),

ticket_failures as (
    select
        date_trunc('week', target_date)::date as week_start,
        customer_id,
        count(*) filter (where is_restored_within_target = false) as restore_targets_missed
    from tickets
    where target_date is not null
    group by all
),

reopen_failures as (
    select
        date_trunc('week', resolved_date)::date as week_start,
        customer_id,
        count(*) filter (where is_reopened) as reopened_tickets
    from tickets
    where resolved_date is not null
    group by all
),

outages as (
    -- Each ticket that took service away, still down at the horizon if not restored.
    select
        tickets.customer_id,
        tickets.opened_at as lost_from_at,
        coalesce(tickets.service_restored_at, horizon.horizon_at) as back_at
    from tickets
    cross join horizon
    where tickets.is_service_lost
      and coalesce(tickets.service_restored_at, horizon.horizon_at) > tickets.opened_at
),

outage_edges as (
    -- Overlapping or nested tickets of one customer are one spell without service (a day is
    -- lost once, however many tickets say so): in start order, an outage starting after every
    -- earlier one has ended opens a new spell.
    select
        *,
        max(back_at) over (
            partition by customer_id
            order by lost_from_at, back_at
            rows between unbounded preceding and 1 preceding
        ) as earlier_back_at
    from outages
),

outage_islands as (
    select
        *,
        sum(case when earlier_back_at is null or lost_from_at > earlier_back_at then 1 else 0 end)
            over (
                partition by customer_id
                order by lost_from_at, back_at
                rows between unbounded preceding and current row
            ) as spell
    from outage_edges
),

outage_spells as (
    select
        customer_id,
        min(lost_from_at) as lost_from_at,
        max(back_at) as back_at
    from outage_islands
    group by customer_id, spell
),

outage_days as (
    -- Spells are disjoint, so their parts inside a week add up to at most the week.
    select
        weeks.week_start,
        outage_spells.customer_id,
        -- Whole microseconds summed, then divided: the same total whatever the rows' order.
        sum(
            epoch_us(least(outage_spells.back_at, weeks.week_end_at))
            - epoch_us(greatest(outage_spells.lost_from_at, weeks.week_start_at))
        ) / 86400e6 as days_without_service
    from outage_spells
    inner join weeks
        on outage_spells.lost_from_at < weeks.week_end_at
        and outage_spells.back_at > weeks.week_start_at
    group by all
),

keys as (
    select week_start, customer_id from call_failures
    union
    select week_start, customer_id from contact_failures
    union
    select week_start, customer_id from visit_failures
    union
    select week_start, customer_id from ticket_failures
    union
    select week_start, customer_id from reopen_failures
    union
    select week_start, customer_id from outage_days
),

counted as (
    select
        keys.week_start,
        keys.customer_id,
        coalesce(visit_failures.missed_unannounced_visits, 0) as missed_unannounced_visits,
        coalesce(visit_failures.missed_announced_visits, 0) as missed_announced_visits,
        coalesce(call_failures.dropped_without_callback, 0) as dropped_without_callback,
        coalesce(ticket_failures.restore_targets_missed, 0) as restore_targets_missed,
        round(coalesce(outage_days.days_without_service, 0), 2) as days_without_service,
        coalesce(contact_failures.context_losses, 0) as context_losses,
        coalesce(reopen_failures.reopened_tickets, 0) as reopened_tickets,
        coalesce(contact_failures.repeat_contacts, 0) as repeat_contacts,
        coalesce(call_failures.unlogged_calls, 0) as unlogged_calls
    from keys
    left join call_failures using (week_start, customer_id)
    left join contact_failures using (week_start, customer_id)
    left join visit_failures using (week_start, customer_id)
    left join ticket_failures using (week_start, customer_id)
    left join reopen_failures using (week_start, customer_id)
    left join outage_days using (week_start, customer_id)
),

scored as (
    select
        *,
        coalesce(getvariable('worst_weight_missed_unannounced_visit'), 5) * missed_unannounced_visits
        + coalesce(getvariable('worst_weight_missed_announced_visit'), 3) * missed_announced_visits
        + coalesce(getvariable('worst_weight_dropped_without_callback'), 3) * dropped_without_callback
        + coalesce(getvariable('worst_weight_restore_target_missed'), 3) * restore_targets_missed
        + coalesce(getvariable('worst_weight_day_without_service'), 2) * days_without_service
        + coalesce(getvariable('worst_weight_context_loss'), 2) * context_losses
        + coalesce(getvariable('worst_weight_reopened_ticket'), 2) * reopened_tickets
        + coalesce(getvariable('worst_weight_repeat_contact'), 1) * repeat_contacts
        + coalesce(getvariable('worst_weight_unlogged_call'), 1) * unlogged_calls
            as score
    from counted
),

final as (
    select
        scored.week_start,
        row_number() over (
            partition by scored.week_start
            order by
                scored.score desc,
                scored.missed_unannounced_visits desc,
                scored.dropped_without_callback desc,
                scored.days_without_service desc,
                scored.customer_id
        ) as rank,
        scored.customer_id,
        customers.region,
        customers.segment,
        round(scored.score, 2)::double as score,
        scored.missed_unannounced_visits,
        scored.missed_announced_visits,
        scored.dropped_without_callback,
        scored.restore_targets_missed,
        scored.days_without_service::double as days_without_service,
        scored.context_losses,
        scored.reopened_tickets,
        scored.repeat_contacts,
        scored.unlogged_calls
    from scored
    left join customers using (customer_id)
    where scored.score > 0
    order by scored.week_start, rank
)

select * from final
