create table if not exists intermediate.int_messages__classified (
    message_id varchar,
    language varchar,
    severity double,
    intents varchar[]
)
