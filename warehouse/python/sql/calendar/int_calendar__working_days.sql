create or replace table intermediate.int_calendar__working_days (
    calendar_date date primary key,
    is_working_day boolean,
    holiday_name varchar,
    working_day_seq integer
)
