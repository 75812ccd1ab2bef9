-- The last load, whatever its outcome.
select load_id, started_at, finished_at, status, source, rows_read, rows_loaded,
       rows_quarantined, rows_duplicate, message
from meta.loads order by load_id desc limit 1
