-- Whether an optional mart exists yet (the churn-risk view appears once it does).
select count(*) > 0
from information_schema.tables
where table_schema = $schema and table_name = $name
