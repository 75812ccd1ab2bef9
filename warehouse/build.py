"""Build the warehouse models from ``raw`` with the parameters in force."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from typing import Any

import duckdb

from ecoute.core.settings import Settings
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.runner import MODELS_DIR, PythonStep

# [risk] build_cutoff: the Monday starting the data's ISO week, or the day after its horizon.
BUILD_CUTOFFS = ("week", "day")


# Python steps plug in here: message intents, compensation, churn scoring. Each says its grain
# (warehouse/incremental.py): which rows a load can change, so an incremental build knows what
# to rebuild; ``snapshot`` (the default) is rebuilt in full.
def python_steps(settings: Settings) -> list[PythonStep]:
    classify = bool(settings.section("intents").get("classify", True))
    return [
        PythonStep(
            "int_calendar__working_days",
            reads=("stg_calls", "stg_tickets", "stg_appointments", "stg_messages"),
            writes=("intermediate.int_calendar__working_days",),
            run=_working_day_calendar,
            grain="global",
        ),
        PythonStep(
            "int_messages__classified",
            reads=("stg_messages",),
            writes=("intermediate.int_messages__classified", "intermediate.int_messages__intents"),
            run=lambda con, params: _message_intents(con, params, settings),
            # Intents stated by hand (classify = false) are kept as they are, never rebuilt.
            grain="message_id" if classify else "global",
        ),
        PythonStep(
            "fct_compensation",
            reads=(
                "stg_tickets",
                "stg_appointments",
                "stg_customers",
                "stg_outages",
                "int_data__horizon",
            ),
            writes=("core.fct_compensation",),
            run=lambda con, params: _compensation(con, params, settings),
            # Each row is one customer's incident, valued from that customer's rows (and the
            # outages, whose change forces a full build); rows still running at the previous
            # horizon are rebuilt when it moves.
            grain="customer_id",
            pending=_compensation_pending(),
        ),
        _risk_step(settings),
    ]


def _risk_step(settings: Settings) -> PythonStep:
    """Churn risk per customer (ecoute/risk): rules, or the learned model once trained.
    A customer's score depends on its own feature row only, as of the build's cut-off: rebuilt
    for the scope while the cut-off stays, in full when it moves (docs/churn.md)."""
    from ecoute.warehouse.python.risk import risk_step

    return dataclasses.replace(risk_step(settings), grain=inc.AT_CUTOFF)


def _working_day_calendar(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """One row per local date over the data's years (±1): working day or not, holiday name,
    and the running count of working days (``working_day_seq``) that repair targets count on.
    Public holidays come from the ``holidays`` package for ``[metrics] country``."""
    import datetime as dt

    import holidays

    first, last = con.execute(_CALENDAR_YEARS_SQL).fetchone()
    first, last = (first or 2020) - 1, (last or first or 2020) + 1
    days = holidays.country_holidays(
        params.get("country", "BE"), subdiv=params.get("subdivision"), years=range(first, last + 1)
    )
    rows, seq, day = [], 0, dt.date(first, 1, 1)
    while day.year <= last:
        working = day.weekday() < 5 and day not in days
        seq += working
        rows.append((day, working, days.get(day), seq))
        day += dt.timedelta(days=1)
    con.execute(
        "create or replace table intermediate.int_calendar__working_days ("
        "calendar_date date primary key, is_working_day boolean, holiday_name varchar, "
        "working_day_seq integer)"
    )
    columns = [list(c) for c in zip(*rows, strict=True)]
    con.execute(
        "insert into intermediate.int_calendar__working_days "
        "select unnest(?::date[]), unnest(?::boolean[]), "
        "unnest(?::varchar[]), unnest(?::integer[])",
        columns,
    )


_CALENDAR_YEARS_SQL = """
    select min(y), max(y) from (
        select year(min(started_at)) as y from staging.stg_calls union all
        select year(max(started_at)) from staging.stg_calls union all
        select year(min(opened_at)) from staging.stg_tickets union all
        select year(max(opened_at)) from staging.stg_tickets union all
        select year(min(window_start)) from staging.stg_appointments union all
        select year(max(window_start)) from staging.stg_appointments union all
        select year(min(received_at)) from staging.stg_messages union all
        select year(max(received_at)) from staging.stg_messages
    )
"""


def _message_intents(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], settings: Settings
) -> None:
    """Complaint intents per message (ecoute/intents): lexicons per language, offline.

    With ``[intents] classify = false`` (tests that state their intents by hand) the tables are
    only created when missing, never overwritten."""
    from ecoute.warehouse.python.intents import build_message_intents, create_intent_tables

    if not params.get("classify_intents", True):
        create_intent_tables(con)
        return
    from ecoute.core.batches import batch_messages

    build_message_intents(con, batch_messages=batch_messages(settings))


def _compensation(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], settings: Settings
) -> None:
    """What each configured rule pack says is owed, as of the data's horizon (never the clock)."""
    from ecoute.core.batches import batch_customers
    from ecoute.warehouse.python.compensation import rebuild_compensation

    section = settings.section("compensation")
    horizon = con.execute("select horizon_at from intermediate.int_data__horizon").fetchone()
    as_of = horizon[0] if horizon else None
    tz = section.get("timezone") or params.get("tz", "Europe/Brussels")
    packs = section.get("packs", ["be_outage_2024", "be_easy_switch"])
    _drop_packs_on_demand(con, packs)
    rebuild_compensation(con, packs, tz, as_of=as_of, batch_customers=batch_customers(settings))


def _compensation_pending() -> tuple[str, ...]:
    from ecoute.warehouse.python.compensation import pending_queries

    return pending_queries()


def _drop_packs_on_demand(con: duckdb.DuckDBPyConnection, packs: list[str]) -> None:
    """A full build writes the configured packs only, so rows of a pack computed on demand
    (`ecoute compensation --pack`) disappear. An incremental build merges into the previous
    table, parked while the step runs: those rows must leave it too, or they would stay valued
    as of an old horizon (and the CLI would show them instead of computing the pack again)."""
    parked = inc.parked("core.fct_compensation")
    if inc.table_exists(con, parked):
        keep = [list(packs)]
        con.execute(f"delete from {parked} where not list_contains(?::varchar[], pack)", keep)


def params_of(settings: Settings) -> dict[str, Any]:
    """The metric parameters as SQL variables (``getvariable('short_abandon_s')``)."""
    params = dict(settings.metrics)
    params["tz"] = params.pop("timezone", "Europe/Brussels")
    params["classify_intents"] = bool(settings.section("intents").get("classify", True))
    risk = settings.section("risk")
    # The churn-risk snapshot's cut-off (int_customers__risk_cutoff): [risk] as_of when set.
    params["risk_as_of"] = risk.get("as_of") or None
    params["risk_build_cutoff"] = str(risk.get("build_cutoff", "week"))
    if params["risk_build_cutoff"] not in BUILD_CUTOFFS:
        raise ValueError(f"[risk] build_cutoff must be one of {BUILD_CUTOFFS}, "
                         f"got {params['risk_build_cutoff']!r}")  # fmt: skip
    return params


def build_all(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    incremental: bool = False,
    atomic: bool = True,
) -> list[str]:
    """Rebuild every model (or, with ``incremental``, what the loads since the last build
    changed: warehouse/incremental.py); returns what was built.

    The build joins and windows over whole histories, so it gets its own memory cap
    (``[warehouse] build_memory_limit``) and drops insertion-order preservation, which DuckDB
    otherwise pays for in memory; both are restored for the loader afterwards."""
    from ecoute.etl.schema import create_raw_tables

    create_raw_tables(con)
    wh = settings.section("warehouse")
    limit = wh.get("build_memory_limit") or wh.get("memory_limit")
    if limit:
        con.execute(f"set memory_limit = '{limit}'")
    con.execute("set preserve_insertion_order = false")
    try:
        return build_models(con, settings, incremental=incremental, atomic=atomic).built
    finally:
        # In a transaction a failed model aborted, settings cannot change; the error that
        # aborted it is the one to report, and the connection is not reused after it.
        with contextlib.suppress(duckdb.Error):
            con.execute("set preserve_insertion_order = true")
            if wh.get("memory_limit"):
                con.execute(f"set memory_limit = '{wh['memory_limit']}'")


def build_models(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    incremental: bool = False,
    atomic: bool = True,
) -> inc.Outcome:
    """The build itself, recorded in meta.builds (which the next incremental build starts from).
    ``atomic``: the caller holds a transaction around the build (see ``build_incremental``)."""
    started = time.time()
    params, steps = params_of(settings), python_steps(settings)
    fp = inc.fingerprint(params, steps, MODELS_DIR)
    if incremental:
        share = float(settings.section("warehouse").get("incremental_max_share", 0.3))
        outcome = inc.build_incremental(con, params, steps, fp, share, atomic=atomic)
    else:
        outcome = inc.build_full(con, params, steps, "asked for")
    inc.record(con, outcome, fp, started)
    return outcome
