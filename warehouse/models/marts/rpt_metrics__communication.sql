-- Communication metrics per local day and ISO week, for all customers and per region and
-- segment: outage_notified_rate (a customer-outage pair counts in the day/week of the
-- customer's first contact about it), complaint_count (messages received) and
-- complaint_intent_share.<intent> (messages carrying the intent ÷ messages).
with messages as (
    select * from core.fct_messages
),

outage_customers as (
    select * from core.fct_outage_customers
),

events as (
    select
        'message' as source,
        received_date as event_date,
        region,
        segment,
        intents,
        null::boolean as is_notified_before_contact
    from messages
    union all
    select
        'outage' as source,
        first_contact_date as event_date,
        region,
        segment,
        null as intents,
        is_notified_before_contact
    from outage_customers
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
        case when grouping(segment) = 0 then 'segment' else 'all' end as dimension,
        case when grouping(segment) = 0 then coalesce(segment, '(none)') else '*' end
            as dimension_value,
        count(*) filter (where source = 'outage' and is_notified_before_contact) as notified_first,
        count(*) filter (where source = 'outage') as outage_customers,
        count(*) filter (where source = 'message') as messages,
        count(*) filter (where list_contains(intents, 'churn_threat')) as churn_threat,
        count(*) filter (where list_contains(intents, 'ombudsman_threat')) as ombudsman_threat,
        count(*) filter (where list_contains(intents, 'compensation_request')) as compensation_request,
        count(*) filter (where list_contains(intents, 'apology_request')) as apology_request,
        count(*) filter (where list_contains(intents, 'missed_appointment')) as missed_appointment,
        count(*) filter (where list_contains(intents, 'no_callback')) as no_callback,
        count(*) filter (where list_contains(intents, 'dropped_call')) as dropped_call,
        count(*) filter (where list_contains(intents, 'repeat_contact')) as repeat_contact,
        count(*) filter (where list_contains(intents, 'outage')) as outage,
        count(*) filter (where list_contains(intents, 'wifi')) as wifi,
        count(*) filter (where list_contains(intents, 'billing')) as billing
    from periods
    group by grouping sets (
        (grain, period_start),
        (grain, period_start, region),
        (grain, period_start, segment),
        (grain, period_start, region, segment)
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
            {'metric': 'outage_notified_rate', 'kind': 'ratio', 'numerator': notified_first::double, 'denominator': outage_customers::double},
            {'metric': 'complaint_count', 'kind': 'count', 'numerator': messages, 'denominator': null},
            {'metric': 'complaint_intent_share.churn_threat', 'kind': 'ratio', 'numerator': churn_threat, 'denominator': messages},
            {'metric': 'complaint_intent_share.ombudsman_threat', 'kind': 'ratio', 'numerator': ombudsman_threat, 'denominator': messages},
            {'metric': 'complaint_intent_share.compensation_request', 'kind': 'ratio', 'numerator': compensation_request, 'denominator': messages},
            {'metric': 'complaint_intent_share.apology_request', 'kind': 'ratio', 'numerator': apology_request, 'denominator': messages},
            {'metric': 'complaint_intent_share.missed_appointment', 'kind': 'ratio', 'numerator': missed_appointment, 'denominator': messages},
            {'metric': 'complaint_intent_share.no_callback', 'kind': 'ratio', 'numerator': no_callback, 'denominator': messages},
            {'metric': 'complaint_intent_share.dropped_call', 'kind': 'ratio', 'numerator': dropped_call, 'denominator': messages},
            {'metric': 'complaint_intent_share.repeat_contact', 'kind': 'ratio', 'numerator': repeat_contact, 'denominator': messages},
            {'metric': 'complaint_intent_share.outage', 'kind': 'ratio', 'numerator': outage, 'denominator': messages},
            {'metric': 'complaint_intent_share.wifi', 'kind': 'ratio', 'numerator': wifi, 'denominator': messages},
            {'metric': 'complaint_intent_share.billing', 'kind': 'ratio', 'numerator': billing, 'denominator': messages}
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
