-- Quarantined rows, optionally of one load and one entity.
select load_id, entity, source_file, line, field, reason, record
from meta.quarantine
where (?::bigint is null or load_id = ?) and (?::varchar is null or entity = ?)
order by load_id, entity, source_file, line
