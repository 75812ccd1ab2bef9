-- The load history, one row per file.
select load_id, entity, path, status, rows_read, rows_loaded, rows_updated, rows_quarantined,
       rows_duplicate, left(sha256, 12) as sha256
from meta.load_files order by load_id, entity, path
