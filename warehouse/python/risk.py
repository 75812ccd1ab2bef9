"""Python model ``marts.rpt_customers__risk``: scoring customers (ecoute/risk) and storing the
scores.

One row per customer and cut-off: customer_id, as_of, score, band, reasons, mode. A reason is
data, not words: ``{code, value, text}`` (``repeat_contacts``, 4; ``plan``, "fibre"), said in
the reader's language when shown (ecoute.reports.i18n.Lang.reason; codes in docs/churn.md).
Scoring a cut-off again replaces that cut-off's rows; other cut-offs stay, so a report for an
earlier week can read the scores as of that week. Readers wanting "now" take max(as_of).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from ecoute.core.batches import batch_customers, customer_buckets
from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.risk.config import RiskConfig, risk_config
from ecoute.risk.extras import EXTRA_PREFIX, with_extras
from ecoute.risk.learned import TrainedModel, explain, predict
from ecoute.risk.rules import band_of, population_cutoffs, score_columns
from ecoute.risk.signals import SERVICE_SIGNALS, Reason
from ecoute.warehouse.config import AT_CUTOFF
from ecoute.warehouse.python import sql
from ecoute.warehouse.python.risk_features import FEATURES_MODEL, features_as_of
from ecoute.warehouse.python.risk_rules import rules_scores_sql
from ecoute.warehouse.runner import PythonStep

RISK_TABLE = "marts.rpt_customers__risk"
REASON_FIELDS = {"code": pl.String, "value": pl.Float64, "text": pl.String}
SCORE_SCHEMA = {
    "customer_id": pl.String,
    "as_of": pl.Date,
    "score": pl.Float64,
    "band": pl.String,
    "reasons": pl.List(pl.Struct(REASON_FIELDS)),
    "mode": pl.String,
}
REASONS_TYPE = "struct(code varchar, value double, text varchar)[]"


def load_model(cfg: RiskConfig) -> TrainedModel | None:
    """The trained model at ``[risk] model_path``, or None when none was trained."""
    if not cfg.model_path.exists():
        return None
    import joblib

    return joblib.load(cfg.model_path)


def score_frame(frame: pl.DataFrame, cfg: RiskConfig, model: TrainedModel | None) -> pl.DataFrame:
    """Scores of a feature frame: by the model when one is given, else by the rules."""
    if model is None:
        # Column by column (ecoute.risk.rules.score_columns): the same scores as score_rows
        # on one dict per customer, without making those dicts (19 s → 1 s on the demo).
        used = [c for c in ("customer_id", *SERVICE_SIGNALS, "tenure_days", "monthly_fee")
                if c in frame.columns]  # fmt: skip
        columns = {c: frame[c].to_list() for c in used}
        scored = score_columns(columns, cfg.weights, cfg.band_cutoffs, cfg.top_reasons)
        scores = [s.score for s in scored]
        reasons = reason_column([s.reasons for s in scored])
        mode = "rules"
    else:
        keys = [c.removeprefix(EXTRA_PREFIX) for c in model.spec.columns
                if c.startswith(EXTRA_PREFIX)]  # fmt: skip
        frame = with_extras(frame, keys)
        probabilities = predict(model, frame)
        scores = [float(p) for p in probabilities]
        reasons = reason_column(explain(model, frame, probabilities, cfg.top_reasons))
        mode = "learned"
    out = pl.DataFrame(
        {
            "customer_id": frame["customer_id"].cast(pl.String),
            "as_of": frame["as_of_date"].cast(pl.Date) if frame.height else [],
            # Six decimals: four merged distinct sums near the top into one (docs/churn.md).
            "score": [round(s, 6) for s in scores],
            "band": [band_of(s, cfg.band_cutoffs) for s in scores],
            "reasons": reasons,
            "mode": [mode] * frame.height,
        },
        schema=SCORE_SCHEMA,
    )
    return out.sort(["score", "customer_id"], descending=[True, False])


def reason_column(per_customer: list[tuple[Reason, ...]]) -> pl.Series:
    """Each customer's reasons as a list of ``{code, value, text}``: the reasons flat, cut into
    one list per customer by their offsets (arrow), never one Python list of dicts per customer,
    which cost more than the scoring itself (docs/performance.md, Session 6). A customer
    without reasons gets an empty list."""
    import numpy as np
    import pyarrow as pa

    flat = [r for rs in per_customer for r in rs]
    struct = pa.StructArray.from_arrays(
        [pa.array([r.code for r in flat], pa.string()),
         pa.array([r.value for r in flat], pa.float64()),
         pa.array([r.text for r in flat], pa.string())],
        names=list(REASON_FIELDS),
    )  # fmt: skip
    lengths = np.fromiter((len(rs) for rs in per_customer), np.int32, len(per_customer))
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32), pa.int32())
    return pl.Series("reasons", pa.ListArray.from_arrays(offsets, struct))


def score_customers(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: dt.date | None = None,
    features: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every active customer's score as of ``as_of`` in the configured mode (learned when
    ``[risk] mode = "learned"`` and a model was trained, else rules)."""
    cfg = risk_config(settings)
    frame = features if features is not None else features_as_of(con, settings, as_of or cfg.as_of)
    return score_frame(frame, cfg, _model_for(cfg))


def store_scores(
    con: duckdb.DuckDBPyConnection, scores: pl.DataFrame, settings: Settings | None = None
) -> int:
    """Replace the rows of the cut-off(s) in ``scores``, banded over each cut-off's population
    (``[risk]`` of ``settings``, default the defaults); returns rows written."""
    cutoffs = scores["as_of"].unique().to_list()
    _clear_cutoffs(con, cutoffs)
    written = _insert(con, RISK_TABLE, scores)
    cfg = risk_config(settings) if settings is not None else RiskConfig()
    for day in cutoffs:
        rebands(con, RISK_TABLE, day, cfg)
    return written


def _clear_cutoffs(con: duckdb.DuckDBPyConnection, cutoffs: list[dt.date]) -> None:
    con.execute("create schema if not exists marts")
    con.execute(f"create table if not exists {RISK_TABLE} ({_COLUMNS})")
    # The table an incremental build parked keeps its rows; both must have today's columns.
    for table in (RISK_TABLE, "marts._prev_rpt_customers__risk"):
        migrate_reasons(con, table)
    con.execute(f"delete from {RISK_TABLE} where as_of = any({literal(cutoffs)}::date[])")


_COLUMNS = (
    "customer_id varchar, as_of date, score double, band varchar, "
    f"reasons {REASONS_TYPE}, mode varchar"
)


def migrate_reasons(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """A risk table of a warehouse built before reasons were data (``reasons varchar[]``, English
    sentences) gets today's column; each old sentence is kept as a reason of code ``text``,
    shown as it was written (it cannot be translated). True when the table was migrated."""
    schema, name = table.split(".")
    row = con.execute(
        sql("risk", "reasons_type").format(schema=literal(schema), name=literal(name))
    ).fetchone()
    if row is None or row[0] != "VARCHAR[]":
        return False
    con.execute(sql("risk", "migrate_reasons").format(table=table, type=REASONS_TYPE))
    return True


def _insert(con: duckdb.DuckDBPyConnection, table: str, scores: pl.DataFrame) -> int:
    con.register("_risk_scores", scores.to_arrow())
    try:
        con.execute(f"insert into {table} select * from _risk_scores")
    finally:
        con.unregister("_risk_scores")
    return scores.height


@dataclass(frozen=True)
class Scored:
    """Where a batched scoring run wrote its scores: ``table``, rows of cut-off ``as_of``."""

    table: str
    as_of: dt.date | None
    mode: str | None


def score_in_batches(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    features: str,
    *,
    store: bool = True,
) -> Scored:
    """Score every row of the feature relation ``features`` into ``marts.rpt_customers__risk``
    (replacing its cut-off), or with ``store=False`` into a temporary table. The rules score
    in one DuckDB query (risk_rules.py); a learned model one batch of ``[warehouse]
    batch_customers`` customers at a time, so memory holds one batch, not every customer.
    Every customer's score depends on its own feature row only."""
    cfg = risk_config(settings)
    model = _model_for(cfg)
    cutoffs = [r[0] for r in con.execute(f"select distinct as_of_date::date from {features}")
               .fetchall()]  # fmt: skip
    table = RISK_TABLE if store else "temp.risk_scores"
    if store:
        _clear_cutoffs(con, cutoffs)
    else:
        con.execute(f"create or replace temp table risk_scores ({_COLUMNS})")
    if model is None:
        # The rules in one query (risk_rules.py): no customer's features come into Python.
        con.execute(f"insert into {table} {rules_scores_sql(features, cfg)}")
        mode = "rules" if cutoffs else None
    else:
        mode = _score_batches(con, settings, features, table, cfg, model)
    for day in cutoffs:
        rebands(con, table, day, cfg)
    return Scored(table, cutoffs[0] if cutoffs else None, mode)


def _score_batches(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    features: str,
    table: str,
    cfg: RiskConfig,
    model: TrainedModel | None,
) -> str | None:
    """Score ``features`` in Python (``score_frame``) one batch of customers at a time into
    ``table``; returns the mode (None: no customer)."""
    mode = None
    for bucket in customer_buckets(con, batch_customers(settings), features):
        frame = con.execute(f"select * from {features} where {bucket.where()}").pl()
        scores = score_frame(frame, cfg, model)
        mode = mode or (scores["mode"][0] if scores.height else None)
        _insert(con, table, scores)
    return mode


def rebands(con: duckdb.DuckDBPyConnection, table: str, as_of: dt.date, cfg: RiskConfig) -> None:
    """Set the bands of cut-off ``as_of`` over its whole population: the high band is the top
    ``[risk] high_band_size`` scores (ecoute.risk.rules.population_cutoffs), which no batch
    can tell alone."""
    where = {"table": table, "as_of": literal(as_of)}
    row = con.execute(
        sql("risk", "nth_score").format(offset=cfg.high_band_size - 1, **where)
    ).fetchone()
    low, high = population_cutoffs(row[0] if row else None, cfg.band_cutoffs)
    con.execute(sql("risk", "rebands").format(low=literal(low), high=literal(high), **where))


def _model_for(cfg: RiskConfig) -> TrainedModel | None:
    model = load_model(cfg) if cfg.mode == "learned" else None
    if cfg.mode == "learned" and model is None:
        print(f"note: no trained model at {cfg.model_path}; scoring with the rules "
              "(run `ecoute risk train`)", file=sys.stderr)  # fmt: skip
    return model


def risk_step(settings: Settings) -> PythonStep:
    """The build's Python step: score the features the build just made, store them (rules, or
    the learned model once trained). A customer's score depends on its own feature row only, as
    of the build's cut-off: rebuilt for the scope while the cut-off stays, in full when it moves
    (``customer_id_at_cutoff``, docs/churn.md)."""

    def run(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        score_in_batches(con, settings, FEATURES_MODEL)

    return PythonStep(
        "rpt_customers__risk",
        reads=(FEATURES_MODEL,),
        writes=(RISK_TABLE,),
        run=run,
        grain=AT_CUTOFF,
    )
