-- Contact-centre metrics per local day and ISO week, as numerator and denominator, for all
-- calls and per region, segment, queue and agent (and region × segment, region × queue).
-- A call counts in the day/week it started; repeat and context-loss contacts in the day/week
-- of the repeat contact.
with calls as (
    select * from core.fct_calls
),

contacts as (
    select * from core.fct_contacts
),

events as (
    select
        'call' as source,
        started_date as event_date,
        region,
        segment,
        queue,
        agent_id,
        is_inbound,
        is_answered,
        is_abandoned,
        is_abandon_eligible,
        is_answered_within_sl,
        is_service_level_eligible,
        is_dropped,
        is_drop_window_elapsed,
        has_callback,
        is_customer_recall,
        is_fcr,
        is_unlogged,
        handle_s,
        null::boolean as is_repeat,
        null::boolean as is_context_loss
    from calls
    union all
    select
        'contact' as source,
        contact_date as event_date,
        region,
        segment,
        queue,
        agent_id,
        null as is_inbound,
        null as is_answered,
        null as is_abandoned,
        null as is_abandon_eligible,
        null as is_answered_within_sl,
        null as is_service_level_eligible,
        null as is_dropped,
        null as is_drop_window_elapsed,
        null as has_callback,
        null as is_customer_recall,
        null as is_fcr,
        null as is_unlogged,
        null as handle_s,
        is_repeat,
        is_context_loss
    from contacts
),

periods as (
    select
        grains.grain,
        case grains.grain
            when 'day' then events.event_date
            else date_trunc('week', events.event_date)::date
        end as period_start,
        events.*
    from events
    cross join (values ('day'), ('week')) as grains(grain)
),

aggregated as (
    select
        grain,
        period_start,
        case when grouping(region) = 0 then coalesce(region, '(none)') else '*' end as region,
        case
            when grouping(segment) = 0 then 'segment'
            when grouping(queue) = 0 then 'queue'
            when grouping(agent_id) = 0 then 'agent'
            else 'all'
        end as dimension,
        case
            when grouping(segment) = 0 then coalesce(segment, '(none)')
            when grouping(queue) = 0 then coalesce(queue, '(none)')
            when grouping(agent_id) = 0 then coalesce(agent_id, '(none)')
            else '*'
        end as dimension_value,
        count(*) filter (where source = 'call' and is_inbound) as inbound_calls,
        count(*) filter (where source = 'call' and is_abandoned) as abandoned,
        count(*) filter (where source = 'call' and is_abandon_eligible) as abandon_eligible,
        count(*) filter (where source = 'call' and is_answered_within_sl) as answered_within_sl,
        count(*) filter (where source = 'call' and is_service_level_eligible) as service_level_eligible,
        count(*) filter (where source = 'call' and is_dropped) as dropped,
        count(*) filter (where source = 'call' and is_inbound and is_answered) as answered,
        count(*) filter (where source = 'call' and is_drop_window_elapsed) as drops_due,
        count(*) filter (where source = 'call' and is_drop_window_elapsed and has_callback) as drops_called_back,
        count(*) filter (where source = 'call' and is_drop_window_elapsed and is_customer_recall)
            as drops_recalled,
        count(*) filter (where source = 'call' and is_fcr) as first_contact_resolved,
        count(*) filter (where source = 'call' and is_fcr is not null) as fcr_eligible,
        count(*) filter (where source = 'call' and is_unlogged) as unlogged,
        count(*) filter (where source = 'contact') as contacts,
        count(*) filter (where source = 'contact' and is_repeat) as repeats,
        count(*) filter (where source = 'contact' and is_context_loss) as context_losses,
        sum(handle_s) filter (where source = 'call' and is_inbound and is_answered) as handle_s
    from periods
    group by grouping sets (
        (grain, period_start),
        (grain, period_start, region),
        (grain, period_start, segment),
        (grain, period_start, queue),
        (grain, period_start, agent_id),
        (grain, period_start, region, segment),
        (grain, period_start, region, queue)
    )
),

unpivoted as (
    select
        grain,
        period_start,
        region,
        dimension,
        dimension_value,
        unnest([
            {'metric': 'inbound_calls', 'kind': 'count', 'numerator': inbound_calls::double, 'denominator': null::double},
            {'metric': 'abandon_rate', 'kind': 'ratio', 'numerator': abandoned, 'denominator': abandon_eligible},
            {'metric': 'service_level', 'kind': 'ratio', 'numerator': answered_within_sl, 'denominator': service_level_eligible},
            {'metric': 'dropped_call_rate', 'kind': 'ratio', 'numerator': dropped, 'denominator': answered},
            {'metric': 'callback_rate_after_drop', 'kind': 'ratio', 'numerator': drops_called_back, 'denominator': drops_due},
            {'metric': 'customer_recall_after_drop', 'kind': 'ratio', 'numerator': drops_recalled, 'denominator': drops_due},
            {'metric': 'repeat_contact_rate', 'kind': 'ratio', 'numerator': repeats, 'denominator': contacts},
            {'metric': 'fcr_rate', 'kind': 'ratio', 'numerator': first_contact_resolved, 'denominator': fcr_eligible},
            {'metric': 'unlogged_call_rate', 'kind': 'ratio', 'numerator': unlogged, 'denominator': answered},
            {'metric': 'context_loss_rate', 'kind': 'ratio', 'numerator': context_losses, 'denominator': repeats},
            {'metric': 'avg_handle_time_s', 'kind': 'mean', 'numerator': coalesce(handle_s, 0), 'denominator': answered}
        ], recursive := true)
    from aggregated
),

final as (
    select
        grain,
        period_start,
        metric,
        kind,
        region,
        dimension,
        dimension_value,
        numerator,
        denominator,
        case when kind = 'count' then numerator else numerator / nullif(denominator, 0) end as value
    from unpivoted
)

select * from final
