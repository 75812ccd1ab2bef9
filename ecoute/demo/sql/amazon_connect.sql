-- The demo's calls as Amazon Connect contact records (one JSON object per line), field names,
-- enum values and timestamp format as in AWS's "Contact records data model"
-- (https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html).
-- Reads _canon_calls (canonical calls, instants as TIMESTAMPTZ, one file's rows, _row = order).
--
-- A call with a disposition (outcome) is delivered twice, as Connect does after the agent's
-- update-contact-attributes: a first copy without the outcome, and a later one with it and a
-- later LastUpdateTimestamp. The older copy is written AFTER the newer one (an out-of-order
-- re-delivery), so only the version, not the file order, can tell which one wins.
with calls as (
    select *,
        coalesce(ended_at, started_at) as _last,
        case direction when 'outbound' then 'OUTBOUND' else 'INBOUND' end as _by_direction
    from _canon_calls
),
copies as (
    select *, 1 as _copy, outcome as _outcome, _last + interval 30 second as _updated
    from calls
    union all
    select *, 2 as _copy, null as _outcome, _last as _updated
    from calls where outcome is not null
)
select
    '123456789012' as AWSAccountId,
    '2017-03-10' as AWSContactTraceRecordFormatVersion,
    case when agent_id is not null then {
        'ARN': 'arn:aws:connect:eu-central-1:123456789012:instance/5e1f0c2a-demo/agent/' || agent_id,
        'Username': agent_id,
        'ConnectedToAgentTimestamp': iso_z(answered_at),
        'AgentInteractionDuration': cast(date_diff('second', answered_at, ended_at) as integer)
    } end as Agent,
    {
        'customer_id': customer_id,
        'outcome': _outcome,
        'ticket_id': ticket_id,
        'reason': reason
    } as Attributes,
    'VOICE' as Channel,
    call_id as ContactId,
    {'Address': null::varchar, 'Type': 'TELEPHONE_NUMBER'} as CustomerEndpoint,
    case disconnect_party
        when 'customer' then 'CUSTOMER_DISCONNECT'
        when 'agent' then 'AGENT_DISCONNECT'
        when 'system' then 'CONTACT_FLOW_DISCONNECT'
        else upper(disconnect_party) end as DisconnectReason,
    iso_z(ended_at) as DisconnectTimestamp,
    case when initiation is null then _by_direction
        when initiation = 'inbound' then 'INBOUND'
        when initiation = 'outbound' then 'OUTBOUND'
        when initiation = 'callback' then 'CALLBACK'
        when initiation = 'transfer' then 'TRANSFER'
        else upper(initiation) end as InitiationMethod,
    iso_z(started_at) as InitiationTimestamp,
    'arn:aws:connect:eu-central-1:123456789012:instance/5e1f0c2a-demo' as InstanceARN,
    iso_z(_updated) as LastUpdateTimestamp,
    next_call_id as NextContactId,
    previous_call_id as PreviousContactId,
    case when queue is not null or queued_at is not null then {
        'ARN': 'arn:aws:connect:eu-central-1:123456789012:instance/5e1f0c2a-demo/queue/' || coalesce(queue, ''),
        'Name': queue,
        'EnqueueTimestamp': iso_z(queued_at),
        'DequeueTimestamp': iso_z(coalesce(answered_at, ended_at))
    } end as Queue,
    {'Address': '+3225550100', 'Type': 'TELEPHONE_NUMBER'} as SystemEndpoint
from copies
order by _row, _copy
