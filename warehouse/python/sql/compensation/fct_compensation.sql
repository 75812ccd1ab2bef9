-- core.fct_compensation: one row per pack, incident and rule that owes something.
-- Written by ecoute.warehouse.python.compensation: replaced whole by the build's step
-- (rebuild_compensation), or per pack by build_compensation.
create schema if not exists core;

create or replace table core.fct_compensation (
    customer_id varchar not null,
    incident_id varchar not null,
    incident_kind varchar not null,        -- ticket | appointment | activation
    rule varchar not null,
    pack varchar not null,
    amount decimal(18, 2) not null,
    currency varchar not null,
    accrued_date date,                     -- local date the compensation first became due
    trace varchar not null,                -- the reasons in words
    trace_json json not null,              -- the same reasons as data
    paid_amount decimal(18, 2),            -- null: no staging.stg_payments to tell
    outstanding_amount decimal(18, 2),     -- amount - paid_amount; null when unknown
    as_of timestamptz                      -- cut-off of an incident still running at it;
                                           -- null once ended (the amount is final)
);
