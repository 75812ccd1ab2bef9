-- Helpers of the compensation kinds in SQL (kind_*.sql): each reproduces, character for
-- character, how the pure engine (ecoute/compensation) writes a value in its traces.
-- model.code: one spelling for an enum-like value ("In-home wiring" -> in_home_wiring).
create or replace temp macro comp_code(v) as
    case when v is null or trim(v) = '' then null
         else array_to_string(
             string_split_regex(trim(replace(lower(trim(v)), '-', ' ')), '\s+'), '_')
    end;
-- datetime.isoformat() of a UTC instant: microseconds only when there are some.
create or replace temp macro comp_iso(t) as
    strftime(t at time zone 'UTC', '%Y-%m-%dT%H:%M:%S')
    || case when epoch_us(t) % 1000000 = 0 then ''
            else '.' || lpad((((epoch_us(t) % 1000000) + 1000000) % 1000000)::varchar, 6, '0') end
    || '+00:00';
-- rules.stamp: local time to the minute.
create or replace temp macro comp_stamp(t, tz) as strftime(t at time zone tz, '%Y-%m-%d %H:%M');
-- num / den rounded to an integer, ties to even (Decimal's format) or up (the engine's total).
create or replace temp macro comp_half_even(num, den) as
    (num // den) + case when 2 * (num % den) > den
                          or (2 * (num % den) = den and (num // den) % 2 = 1) then 1 else 0 end;
create or replace temp macro comp_half_up(num, den) as (2 * num + den) // (2 * den);
-- rules.money of a number of cents: €1.50, £10.34, 12.00 CHF.
create or replace temp macro comp_money(cents, symbol, currency) as
    coalesce(symbol, '') || (cents // 100)::varchar || '.' || lpad((cents % 100)::varchar, 2, '0')
    || case when symbol is null then ' ' || currency else '' end;
-- A decimal as whole micro-units (the rates tables hold six decimals), for exact arithmetic.
create or replace temp macro comp_micro(d) as (d * 1000000)::hugeint;
-- A whole number of cents as an amount.
create or replace temp macro comp_cents(c) as
    (c::decimal(18, 0) * 0.01::decimal(3, 2))::decimal(18, 2);
