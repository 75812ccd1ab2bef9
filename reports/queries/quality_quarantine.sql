-- Rows the week's loads set aside, by entity, field and reason (first file and line shown).
-- requires: meta.quarantine
select
    entity,
    field,
    reason,
    count(*) as rows,
    min(source_file) as source_file,
    min(line) as first_line
from meta.quarantine
where list_contains($load_ids, load_id)
group by entity, field, reason
order by rows desc, entity, field, reason
limit 20
