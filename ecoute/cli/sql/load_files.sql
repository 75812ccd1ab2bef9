-- The load history, one row per file. rows_superseded as in loads.sql (0 before the column).
select load_id, entity, path, status, rows_read, rows_loaded, rows_updated, rows_quarantined,
       rows_duplicate, coalesce(rows_superseded, 0) as rows_superseded, left(sha256, 12) as sha256
from (from meta.load_files union all by name select null::bigint as rows_superseded where false)
order by load_id, entity, path
