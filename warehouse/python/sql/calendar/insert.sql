-- One list per column (calendar_date, is_working_day, holiday_name, working_day_seq).
insert into intermediate.int_calendar__working_days
select unnest(?::date[]), unnest(?::boolean[]), unnest(?::varchar[]), unnest(?::integer[])
