-- The last model build.
select build_id, built_at, kind, reason, through_load_id, scope_customers, seconds
from meta.builds order by build_id desc limit 1
