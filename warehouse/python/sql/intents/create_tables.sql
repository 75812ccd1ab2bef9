-- The two tables the intents step writes (warehouse/python/intents.py). Every intent keeps its
-- evidence: the phrase (or the model's n-grams), the message's language, the clause it was read
-- in and the method ('pattern', 'negated_concept' or 'model p=…').
create table if not exists intermediate.int_messages__classified (
    message_id varchar, language varchar, severity double, intents varchar[]
);
create table if not exists intermediate.int_messages__intents (
    message_id varchar, intent varchar, phrase varchar,
    language varchar, clause varchar, method varchar
);
