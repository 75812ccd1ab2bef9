-- The packs' dated rates (one row per pack, rule, date and value), from the YAML: the rows
-- placeholder is a VALUES list. A rate applies from effective_from until the next one's date
-- (effective_to).
create or replace temp table _comp_rates as
select
    pack, rule, effective_from,
    lead(effective_from) over (partition by pack, rule, key order by effective_from)
        as effective_to,
    key, value::decimal(24, 6) as value, value_text
from (values {rows}) as r(pack, rule, effective_from, key, value, value_text)
