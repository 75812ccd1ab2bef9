"""Python model ``intermediate.int_calendar__working_days``: one row per local date over the
data's years (±1), working day or not, holiday name, and the running count of working days
(``working_day_seq``) that repair targets count on. Public holidays come from the ``holidays``
package for ``[metrics] country`` (and ``subdivision``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.warehouse.python import sql
from ecoute.warehouse.runner import PythonStep

TABLE = "intermediate.int_calendar__working_days"
# Without any event the calendar still spans the years around this one (an empty warehouse).
EMPTY_YEAR = 2020

Row = tuple[dt.date, bool, str | None, int]


_COLUMNS = ("dates", "working", "names", "seq")


def calendar_step(settings: Settings) -> PythonStep:
    """A few rows over all data (``global``): rebuilt in full, first, on every build."""
    return PythonStep(
        "int_calendar__working_days",
        reads=("stg_calls", "stg_tickets", "stg_appointments", "stg_messages"),
        writes=(TABLE,),
        run=build_calendar,
        grain="global",
    )


def build_calendar(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Rebuilt only when what it is made of changed: its years, the country and subdivision,
    the ``holidays`` release. That key is kept as the table's comment; a day's load that stays
    within the years keeps the table as it is (0.15 s saved per build, most of it the first
    holiday look-up and the insert)."""
    first, last = con.execute(sql("calendar", "years")).fetchone()
    first, last = (first or EMPTY_YEAR) - 1, (last or first or EMPTY_YEAR) + 1
    key = _key(first, last, params)
    if _stored_key(con) == key:
        return
    rows = working_days(first, last, params["country"], params.get("subdivision"))
    con.execute(sql("calendar", "int_calendar__working_days"))
    columns = [literal(list(c)) for c in zip(*rows, strict=True)]
    con.execute(sql("calendar", "insert").format(**dict(zip(_COLUMNS, columns, strict=True))))
    con.execute(f"comment on table {TABLE} is {literal(key)}")


def _key(first: int, last: int, params: dict[str, Any]) -> str:
    from importlib.metadata import version

    return f"{first}-{last} {params['country']}/{params.get('subdivision')} " \
           f"holidays {version('holidays')}"  # fmt: skip


def _stored_key(con: duckdb.DuckDBPyConnection) -> str | None:
    schema, name = TABLE.split(".")
    row = con.execute(
        "select comment from duckdb_tables() where database_name = current_database() "
        f"and schema_name = {literal(schema)} and table_name = {literal(name)}"
    ).fetchone()
    return row[0] if row else None


def working_days(first: int, last: int, country: str, subdivision: str | None) -> list[Row]:
    """Every day of the years ``first`` .. ``last``: (date, working, holiday name, running count
    of working days). Working: Monday to Friday and not a public holiday."""
    import holidays  # only when the calendar is rebuilt: most builds keep it

    days = holidays.country_holidays(country, subdiv=subdivision, years=range(first, last + 1))
    rows, seq, day = [], 0, dt.date(first, 1, 1)
    while day.year <= last:
        working = day.weekday() < 5 and day not in days
        seq += working
        rows.append((day, working, days.get(day), seq))
        day += dt.timedelta(days=1)
    return rows
