-- The last load, whatever its outcome. rows_superseded as in loads.sql (0 before the column).
select load_id, started_at, finished_at, status, source, rows_read, rows_loaded,
       rows_quarantined, rows_duplicate, coalesce(rows_superseded, 0) as rows_superseded, message
from (from meta.loads union all by name select null::bigint as rows_superseded where false)
order by load_id desc limit 1
