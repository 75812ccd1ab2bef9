-- Every table and view of the warehouse, as schema.table: which of the report's queries can run.
select table_schema || '.' || table_name as qualified
from information_schema.tables
