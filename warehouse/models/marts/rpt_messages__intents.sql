-- One row per written message with what the classifier read in it: language, severity, and each
-- intent with the phrase that triggered it. Read by `ecoute messages` and the journey.
with messages as (
    select * from staging.stg_messages
),

classified as (
    select * from intermediate.int_messages__classified
),

hits as (
    select * from intermediate.int_messages__intents
),

phrases as (
    select
        message_id,
        list(intent || ': ' || phrase order by intent, phrase) as intent_phrases
    from hits
    group by message_id
),

final as (
    select
        messages.message_id,
        messages.customer_id,
        messages.received_at,
        cast(date_trunc('week', timezone(getvariable('tz'), messages.received_at)) as date)
            as week_start_date,
        messages.channel,
        classified.language,
        classified.severity,
        coalesce(classified.intents, []) as intents,
        coalesce(phrases.intent_phrases, []) as intent_phrases,
        messages.subject,
        messages.body
    from messages
    left join classified using (message_id)
    left join phrases using (message_id)
)

select * from final
