"""Build the warehouse models from ``raw`` with the parameters in force: the entry points.

The SQL models live in warehouse/models/<layer>/ (their grain and periods in models.yml), the
Python models in warehouse/python/; the incremental engine in warehouse/incremental.py.
"""

from __future__ import annotations

import contextlib
import time

import duckdb

from ecoute.core.settings import Settings
from ecoute.etl.schema import create_raw_tables
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.params import params_of
from ecoute.warehouse.python.calendar import calendar_step
from ecoute.warehouse.python.compensation import compensation_step
from ecoute.warehouse.python.intents import intents_step
from ecoute.warehouse.python.risk import risk_step
from ecoute.warehouse.runner import MODELS_DIR, PythonStep

__all__ = ["build_all", "build_models", "params_of", "python_steps"]


def python_steps(settings: Settings) -> list[PythonStep]:
    """The Python models, each with its grain (warehouse/incremental.py): which rows a load can
    change, so an incremental build knows what to rebuild."""
    return [
        calendar_step(settings),
        intents_step(settings),
        compensation_step(settings),
        risk_step(settings),
    ]


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
    create_raw_tables(con)
    wh = settings.section("warehouse")
    limit = wh["build_memory_limit"] or wh["memory_limit"]
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
            if wh["memory_limit"]:
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
        share = float(settings.section("warehouse")["incremental_max_share"])
        outcome = inc.build_incremental(con, params, steps, fp, share, atomic=atomic)
    else:
        outcome = inc.build_full(con, params, steps, "asked for")
    inc.record(con, outcome, fp, started)
    return outcome
