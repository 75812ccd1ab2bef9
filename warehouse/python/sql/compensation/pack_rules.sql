-- The packs' rules as a table (one row per pack and rule), written from the YAML by
-- warehouse/python/compensation.py: the rows placeholder is a VALUES list. The packs stay
-- the one source.
create or replace temp table _comp_rules as
select * from (values {rows}) as r(
    pack, rule, kind, currency, symbol, tz,
    excl_loss, excl_cause, excl_category,
    threshold_us, clock_earliest,
    late_cancel_h, late_cancel_text, late_arrival_is_missed
)
