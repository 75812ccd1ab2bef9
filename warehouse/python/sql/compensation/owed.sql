-- What every rule of every pack owes, before payments are allocated: the kinds in SQL
-- (kind_*.sql) and the ones still valued by the pure engine insert here, then
-- insert_fct_compensation.sql allocates payments and writes core.fct_compensation.
create or replace temp table _comp_owed (
    customer_id varchar,
    incident_id varchar,
    incident_kind varchar,
    rule varchar,
    pack varchar,
    amount decimal(18, 2),
    currency varchar,
    accrued_date date,
    trace varchar,
    trace_json varchar,
    as_of timestamptz
)
