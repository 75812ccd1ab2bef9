"""Reading churn-risk scores for ``ecoute risk``, the report and the dashboard: the scores the
build keeps in ``marts.rpt_customers__risk``, never written by a reader.

A reader asks for a cut-off (default: ``[risk] as_of``, else the build's). When the mart holds
that cut-off in the configured mode (and, in learned mode, was built after the model was
saved), it is read as it is: one indexed filter, no features, no scoring — a fraction of a
second on the demo where scoring took 10 to 40 s. Any other cut-off (``--as-of`` in the past)
is scored now into a temporary table on the reader's read-only connection
(``risk.score_in_batches(store=False)``), so a read never changes the warehouse.

Light on purpose: no polars, numpy or scikit-learn unless a cut-off must be scored, and values
are written into the SQL as literals (binding a Python value makes DuckDB import pandas).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.risk.config import RiskConfig, risk_config
from ecoute.warehouse.python import sql

RISK_TABLE = "marts.rpt_customers__risk"


@dataclass(frozen=True)
class ScoreRun:
    """Where the scores a reader shows are: ``table`` (the mart, or a temporary table when
    they were scored now), rows of cut-off ``as_of``; ``stored`` says which."""

    table: str
    as_of: dt.date | None
    stored: bool


def build_cutoff(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The cut-off the last build scored (None before any build)."""
    try:
        row = con.execute(sql("risk", "cutoff")).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def expected_mode(cfg: RiskConfig) -> str:
    """The mode a scoring run would use now: learned only with a trained model."""
    return "learned" if cfg.mode == "learned" and cfg.model_path.exists() else "rules"


def stored_run(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None = None
) -> ScoreRun | None:
    """The build's stored scores for ``as_of`` (None: the configured or build's cut-off), or
    None when the mart does not hold them as they would be scored now."""
    cfg = risk_config(settings)
    day = as_of or cfg.as_of or build_cutoff(con)
    if day is None:
        return None
    mode = expected_mode(cfg)
    saved = None
    if mode == "learned":
        saved = dt.datetime.fromtimestamp(cfg.model_path.stat().st_mtime, dt.UTC)
    text = sql("risk", "stored").format(
        as_of=literal(day), mode=literal(mode), model_saved_at=literal(saved)
    )
    try:
        (customers,) = con.execute(text).fetchone()
    except duckdb.CatalogException:
        return None
    return ScoreRun(RISK_TABLE, day, True) if customers else None


def scores_for_reading(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None = None
) -> ScoreRun:
    """The stored scores when the mart has them, else the cut-off scored now into a temporary
    table (the connection may be read-only). Raises CatalogException when nothing is built."""
    run = stored_run(con, settings, as_of)
    if run is not None:
        return run
    from ecoute.warehouse.python.risk import score_in_batches
    from ecoute.warehouse.python.risk_features import materialize_features

    cfg = risk_config(settings)
    features = materialize_features(con, settings, as_of or cfg.as_of)
    scored = score_in_batches(con, settings, features, store=False)
    return ScoreRun(scored.table, scored.as_of, False)


def top_records(con: duckdb.DuckDBPyConnection, run: ScoreRun, top: int) -> list[dict[str, Any]]:
    """The ``top`` riskiest customers of a run (0: all), riskiest first, JSON-ready:
    customer_id, as_of (ISO), score (4 decimals), band, reasons, mode."""
    text = sql("risk", "top").format(
        table=run.table, as_of=literal(run.as_of), limit=f"limit {int(top)}" if top else ""
    )
    cursor = con.execute(text)
    names = [d[0] for d in cursor.description]
    records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for r in records:
        r["as_of"] = r["as_of"].isoformat() if r["as_of"] else None
        r["score"] = round(float(r["score"]), 4)
        r["reasons"] = list(r["reasons"] or [])
    return records


def band_counts(con: duckdb.DuckDBPyConnection, run: ScoreRun) -> dict[str, int]:
    """Customers per band in a run."""
    text = sql("risk", "bands").format(table=run.table, as_of=literal(run.as_of))
    return dict(con.execute(text).fetchall())
