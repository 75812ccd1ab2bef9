-- The load history, one row per load. A warehouse no load has migrated yet (read-only readers
-- never alter it) has no rows_superseded column: the union by name supplies it, as 0.
select load_id, started_at, finished_at, status, source, rows_read, rows_loaded, rows_updated,
       rows_quarantined, rows_duplicate, coalesce(rows_superseded, 0) as rows_superseded, message
from (from meta.loads union all by name select null::bigint as rows_superseded where false)
order by load_id
