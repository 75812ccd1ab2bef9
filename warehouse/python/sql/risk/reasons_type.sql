-- The type of a risk table's reasons column ({schema}, {name}: literals); no row when the
-- table does not exist.
select data_type
from duckdb_columns()
where schema_name = {schema}
    and table_name = {name}
    and column_name = 'reasons'
    and database_name = current_database()
