"""Reading the risk features and labels from the warehouse, as of a cut-off date.

The features are the SQL model ``core.dim_customers__risk_features``; to have them as
of another date this runs the same model file with the variable ``risk_as_of`` set, so every
cut-off is computed by the one SQL definition.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.risk.extras import with_extras
from ecoute.warehouse.params import params_of
from ecoute.warehouse.runner import MODELS_DIR, set_params

FEATURES_MODEL = "core.dim_customers__risk_features"
# ecoute/jobs/risk_training.py still imports with_extras from here; it lives in ecoute.risk.extras.
__all__ = ["FEATURES_MODEL", "churn_labels", "features_as_of", "first_event_date",
           "materialize_features", "with_extras"]  # fmt: skip


def _model_sql() -> str:
    schema, name = FEATURES_MODEL.split(".")
    return (MODELS_DIR / schema / f"{name}.sql").read_text("utf-8")


def features_as_of(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None
) -> pl.DataFrame:
    """One row per customer active at ``as_of`` (None: the model's default cut-off)."""
    set_params(con, params_of(settings))
    con.execute(f"set variable risk_as_of = {literal(as_of)}")
    try:
        return con.execute(_model_sql()).pl()
    finally:
        con.execute("set variable risk_as_of = null")


def materialize_features(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None
) -> str:
    """The features as of ``as_of`` in a temporary table (returned by name), so they can be
    read a batch of customers at a time without running the model once per batch."""
    set_params(con, params_of(settings))
    con.execute(f"set variable risk_as_of = {literal(as_of)}")
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
