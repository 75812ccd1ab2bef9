-- The demo's calls as a Genesys Cloud analytics conversation details response
-- (POST /api/v2/analytics/conversations/details/query: {"conversations": [...], "totalHits": n}),
-- participants → sessions → segments and session metrics, names and values as in Genesys's
-- "Conversation detail data model" (developer.genesys.cloud). Reads _canon_calls; one row out:
-- the file's document. Each canonical leg is one conversation; a transfer leg carries the
-- conversation it came from in the customer's participant data (previousConversationId).
with calls as (
    select *,
        'p-' || call_id as _p,
        case disconnect_party
            when 'customer' then 'endpoint'
            when 'agent' then 'peer'
            when 'system' then 'system'
            else disconnect_party end as _disconnect
    from _canon_calls
),
conversations as (
    select _row, json_object(
        'conversationId', call_id,
        'conversationStart', iso_ms(started_at),
        'conversationEnd', iso_ms(ended_at),
        'originatingDirection', direction,
        'divisionIds', ['4b5c6d7e-0000-4000-8000-000000000001'],
        'participants', list_filter([
            json_object(
                'participantId', _p || '-customer',
                'participantName', 'Customer',
                'purpose', 'customer',
                'attributes', json_object(
                    'customer_id', customer_id, 'outcome', outcome, 'ticket_id', ticket_id,
                    'reason', reason, 'previousConversationId', previous_call_id),
                'sessions', list_filter([
                    case when initiation = 'callback' then json_object(
                        'mediaType', 'callback', 'sessionId', 's-' || call_id || '-cb',
                        'direction', 'outbound',
                        'segments', [json_object('segmentStart', iso_ms(started_at),
                                                 'segmentEnd', iso_ms(started_at),
                                                 'segmentType', 'scheduled')]) end,
                    json_object(
                        'mediaType', 'voice', 'sessionId', 's-' || call_id,
                        'direction', direction, 'ani', 'tel:+32470000000', 'dnis', 'tel:+3225550100',
                        'segments', [json_object(
                            'segmentStart', iso_ms(started_at), 'segmentEnd', iso_ms(ended_at),
                            'segmentType', 'interact', 'disconnectType', _disconnect)])
                ], x -> x is not null)),
            case when queue is not null or queued_at is not null then json_object(
                'participantId', _p || '-acd',
                'participantName', queue,
                'purpose', 'acd',
                'sessions', [json_object(
                    'mediaType', 'voice', 'sessionId', 's-' || call_id || '-acd',
                    'metrics', list_filter([
                        case when answered_at is not null and queued_at is not null then json_object(
                            'name', 'tAnswered', 'emitDate', iso_ms(answered_at),
                            'value', date_diff('millisecond', queued_at, answered_at)) end,
                        case when answered_at is null and queued_at is not null then json_object(
                            'name', 'tAbandon', 'emitDate', iso_ms(ended_at),
                            'value', date_diff('millisecond', queued_at, ended_at)) end
                    ], x -> x is not null),
                    'segments', list_filter([
                        case when queued_at is not null then json_object(
                            'segmentStart', iso_ms(queued_at),
                            'segmentEnd', iso_ms(coalesce(answered_at, ended_at)),
                            'segmentType', 'interact', 'queueId', md5(coalesce(queue, ''))) end
                    ], x -> x is not null))]) end,
            case when agent_id is not null then json_object(
                'participantId', _p || '-agent',
                'participantName', agent_id,
                'purpose', 'agent',
                'userId', agent_id,
                'sessions', [json_object(
                    'mediaType', 'voice', 'sessionId', 's-' || call_id || '-agent',
                    'segments', list_filter([
                        json_object('segmentStart', iso_ms(coalesce(queued_at, started_at)),
                                    'segmentEnd', iso_ms(coalesce(answered_at, ended_at)),
                                    'segmentType', 'alert'),
                        case when answered_at is not null then json_object(
                            'segmentStart', iso_ms(answered_at), 'segmentEnd', iso_ms(ended_at),
                            'segmentType', 'interact') end
                    ], x -> x is not null))]) end
        ], x -> x is not null)
    ) as conversation
    from calls
)
select list(conversation order by _row) as conversations, count(*) as totalHits
from conversations
