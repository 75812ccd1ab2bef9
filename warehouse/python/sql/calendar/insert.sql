-- One list literal per column (calendar_date, is_working_day, holiday_name, working_day_seq):
-- literals, not bound values, which would make DuckDB's client import pandas.
insert into intermediate.int_calendar__working_days
select unnest({dates}::date[]), unnest({working}::boolean[]), unnest({names}::varchar[]),
    unnest({seq}::integer[])
