"""Build the warehouse models from ``raw`` with the parameters in force."""

from __future__ import annotations

from typing import Any

import duckdb

from ecoute.settings import Settings
from warehouse.runner import PythonStep, build

# Python steps plug in here: message intents, compensation, churn scoring.
def python_steps(settings: Settings) -> list[PythonStep]:
    return []


def params_of(settings: Settings) -> dict[str, Any]:
    """The metric parameters as SQL variables (``getvariable('short_abandon_s')``)."""
    params = dict(settings.metrics)
    params["tz"] = params.pop("timezone", "Europe/Brussels")
    return params


def build_all(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Rebuild every model; returns what was built."""
    from etl.schema import create_raw_tables

    create_raw_tables(con)
    return build(con, params_of(settings), python_steps(settings))
