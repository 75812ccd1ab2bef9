"""The working-day calendar step (warehouse/python/calendar.py): rebuilt only when its years,
country or subdivision (or the holidays release) changed."""

from __future__ import annotations

import duckdb

from ecoute.warehouse.python.calendar import TABLE, build_calendar


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema staging; create schema intermediate")
    # One call in 2026 and nothing else: the calendar spans 2025 .. 2027 (3 × 365 days).
    con.execute("create view staging.stg_calls as select timestamptz '2026-03-02 09:00:00+00' "
                "as started_at")  # fmt: skip
    for view, column in (("stg_tickets", "opened_at"), ("stg_appointments", "window_start"),
                         ("stg_messages", "received_at")):  # fmt: skip
        con.execute(f"create view staging.{view} as select null::timestamptz as {column} "
                    "where false")  # fmt: skip
    return con


def test_the_calendar_is_kept_while_its_years_and_country_stay(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb")
    build_calendar(con, {"country": "FR"})
    assert con.execute(f"select count(*) from {TABLE}").fetchone()[0] == 365 * 3
    # A mark only a rebuild would erase: 2026-05-01 is a French public holiday.
    con.execute(f"update {TABLE} set holiday_name = 'kept' where calendar_date = '2026-05-01'")
    build_calendar(con, {"country": "FR"})
    assert _holiday(con, "2026-05-01") == "kept"
    # Another country: rebuilt (1 May is a holiday in Belgium too, under its own name).
    build_calendar(con, {"country": "BE"})
    assert _holiday(con, "2026-05-01") not in (None, "kept")
    # A call in 2028 moves the last year: rebuilt, now through 2029.
    con.execute(f"update {TABLE} set holiday_name = 'kept' where calendar_date = '2026-05-01'")
    con.execute("create or replace view staging.stg_calls as select timestamptz "
                "'2028-01-10 09:00:00+00' as started_at union all select timestamptz "
                "'2026-03-02 09:00:00+00'")  # fmt: skip
    build_calendar(con, {"country": "BE"})
    assert _holiday(con, "2026-05-01") != "kept"
    assert con.execute(f"select max(calendar_date) from {TABLE}").fetchone()[0].year == 2029


def _holiday(con, day):
    return con.execute(
        f"select holiday_name from {TABLE} where calendar_date = date '{day}'"
    ).fetchone()[0]
