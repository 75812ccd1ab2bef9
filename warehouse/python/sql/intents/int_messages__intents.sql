create table if not exists intermediate.int_messages__intents (
    message_id varchar,
    intent varchar,
    phrase varchar
)
