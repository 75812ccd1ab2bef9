"""Reading the risk features and labels from the warehouse, as of a cut-off date.

The features are the SQL model ``intermediate.int_customers__risk_features``; to have them as
of another date this runs the same model file with the variable ``risk_as_of`` set, so every
cut-off is computed by the one SQL definition.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import duckdb
import polars as pl

from ecoute.core.settings import Settings

FEATURES_MODEL = "intermediate.int_customers__risk_features"
EXTRA_PREFIX = "extra."


def _model_sql() -> str:
    from ecoute.warehouse.runner import MODELS_DIR

    return (MODELS_DIR / "intermediate" / "int_customers__risk_features.sql").read_text("utf-8")


def features_as_of(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None
) -> pl.DataFrame:
    """One row per customer active at ``as_of`` (None: the model's default cut-off)."""
    from ecoute.warehouse.build import params_of
    from ecoute.warehouse.runner import set_params

    set_params(con, params_of(settings))
    con.execute("set variable risk_as_of = ?", [as_of])
    try:
        return con.execute(_model_sql()).pl()
    finally:
        con.execute("set variable risk_as_of = null")


def materialize_features(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None
) -> str:
    """The features as of ``as_of`` in a temporary table (returned by name), so they can be
    read a batch of customers at a time without running the model once per batch."""
    from ecoute.warehouse.build import params_of
    from ecoute.warehouse.runner import set_params

    set_params(con, params_of(settings))
    con.execute("set variable risk_as_of = ?", [as_of])
    try:
        con.execute(f"create or replace temp table risk_features as {_model_sql()}")
    finally:
        con.execute("set variable risk_as_of = null")
    return "temp.risk_features"


def churn_labels(con: duckdb.DuckDBPyConnection, as_of: dt.date, horizon_days: int) -> pl.DataFrame:
    """customer_id, churned: left in [as_of, as_of + horizon_days)."""
    return con.execute(
        "select customer_id, coalesce(churned_at >= ?::date and churned_at < ?::date + ?, false)"
        " as churned from staging.stg_customers",
        [as_of, as_of, horizon_days],
    ).pl()


def first_event_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first day anything happened in the service data (None: a customer table alone)."""
    return con.execute(
        "select min(d)::date from (select min(started_at) as d from staging.stg_calls "
        "union all select min(opened_at) from staging.stg_tickets "
        "union all select min(received_at) from staging.stg_messages)"
    ).fetchone()[0]


def with_extras(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Add one text column ``extra.<key>`` per declared key of the customers' ``extra`` JSON."""
    if not keys:
        return frame
    docs = [json.loads(e) if e else {} for e in frame["extra"].to_list()]
    columns = {
        f"{EXTRA_PREFIX}{key}": pl.Series(
            [None if d.get(key) is None else str(d[key]).strip() or None for d in docs],
            dtype=pl.String,
        )
        for key in keys
    }
    return frame.with_columns(**columns)
