-- Values are written in as SQL literals by the command: binding them makes DuckDB import
-- pandas (~1 s of this read).
-- A week's messages with their intents and the phrases that triggered them, most severe first.
select message_id, customer_id, received_at, channel, language, round(severity, 2) as severity,
       intents, intent_phrases,
       left(coalesce(subject || ' — ', '') || body, 120) as text
from marts.rpt_messages__intents
where week_start_date = {monday} and ({intent} is null or list_contains(intents, {intent}))
order by severity desc, received_at, message_id
