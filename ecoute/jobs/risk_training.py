"""``ecoute risk train``: labels from customers.churned_at, a calibrated model, an evaluation.

Out of time when the warehouse has event dates: with ``as_of`` the day the training happens
(every label must be known by then), the test cut-off is ``as_of − horizon_days`` and the
training cut-offs are ``horizon_days`` and then ``cutoff_step_days`` further back (as many as
``train_cutoffs`` with ``min_history_days`` of events before them). A customer table without
events (a snapshot such as IBM's sample) is split at random, stratified by the label, at the
single cut-off ``as_of``. The rules mode is scored on the same held-out customers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from ecoute.core.settings import Settings
from ecoute.reports.churn_evaluation import write_html
from ecoute.risk.config import RiskConfig, risk_config
from ecoute.risk.evaluate import calibration_bins, figures
from ecoute.risk.learned import feature_spec, fit, predict
from ecoute.risk.rules import score_rows
from ecoute.warehouse.python.risk_features import (
    churn_labels,
    features_as_of,
    first_event_date,
    with_extras,
)

EVALUATION_TABLE = "marts.rpt_risk__evaluation"
CALIBRATION_TABLE = "marts.rpt_risk__calibration"


@dataclass
class TrainResult:
    split: str
    trained_as_of: dt.date
    test_cutoff: dt.date
    train_cutoffs: tuple[dt.date, ...]
    n_train: int
    results: dict[str, dict[str, Any]]
    model_path: Path | None = None
    report_path: Path | None = None
    calibration: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def learned_auc(self) -> float | None:
        return self.results["learned"]["roc_auc"]

    @property
    def rules_auc(self) -> float | None:
        return self.results["rules"]["roc_auc"]


def plan_cutoffs(
    end: dt.date, first_event: dt.date | None, cfg: RiskConfig
) -> tuple[dt.date, tuple[dt.date, ...]]:
    """(test cut-off, training cut-offs); no training cut-offs means "split at random"."""
    if first_event is None:
        return end, ()
    test = end - dt.timedelta(days=cfg.horizon_days)
    earliest = first_event + dt.timedelta(days=cfg.min_history_days)
    train = tuple(
        c for k in range(cfg.train_cutoffs)
        if (c := test - dt.timedelta(days=cfg.horizon_days + k * cfg.cutoff_step_days)) >= earliest
    )  # fmt: skip
    return (test, train) if train else (end, ())


def labelled(
    con: duckdb.DuckDBPyConnection, settings: Settings, cutoff: dt.date, cfg: RiskConfig
) -> tuple[pl.DataFrame, np.ndarray]:
    """Features as of ``cutoff`` with the label: left within the horizon after it."""
    frame = features_as_of(con, settings, cutoff)
    frame = with_extras(frame, cfg.extra_features)
    labels = churn_labels(con, cutoff, cfg.horizon_days)
    frame = frame.join(labels, on="customer_id", how="left").sort("customer_id")
    return frame, frame["churned"].fill_null(False).cast(pl.Int8).to_numpy()


def train(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: dt.date | None = None,
    *,
    write: bool = True,
) -> TrainResult:
    """Train, evaluate on held-out customers, save the model and the evaluation (``write``)."""
    cfg = risk_config(settings)
    end = as_of or cfg.as_of or features_as_of(con, settings, None)["as_of_date"][0]
    test_cut, train_cuts = plan_cutoffs(end, first_event_date(con), cfg)
    if train_cuts:
        split = "out_of_time"
        parts = [labelled(con, settings, c, cfg) for c in train_cuts]
        train_frame = pl.concat([p[0] for p in parts], how="diagonal_relaxed")
        train_y = np.concatenate([p[1] for p in parts])
        test_frame, test_y = labelled(con, settings, test_cut, cfg)
    else:
        from sklearn.model_selection import train_test_split

        split = "stratified"
        frame, y = labelled(con, settings, test_cut, cfg)
        index = np.arange(frame.height)
        train_i, test_i = train_test_split(
            index, test_size=cfg.test_share, stratify=y, random_state=cfg.seed
        )
        train_frame, train_y = frame[np.sort(train_i)], y[np.sort(train_i)]
        test_frame, test_y = frame[np.sort(test_i)], y[np.sort(test_i)]
    spec = feature_spec(train_frame, cfg.extra_features, cfg.window_days)
    model = fit(train_frame, train_y, spec, cfg)
    learned_scores = predict(model, test_frame)
    rules_scores = np.array(
        [s.score for s in score_rows(test_frame.to_dicts(), cfg.weights, cfg.band_cutoffs)]
    )
    results = {"learned": figures(test_y, learned_scores, cfg),
               "rules": figures(test_y, rules_scores, cfg)}  # fmt: skip
    result = TrainResult(
        split=split, trained_as_of=end, test_cutoff=test_cut, train_cutoffs=train_cuts,
        n_train=train_frame.height, results=results,
        calibration={"learned": calibration_bins(test_y, learned_scores),
                     "rules": calibration_bins(test_y, rules_scores)},
    )  # fmt: skip
    if write:
        final = fit(
            pl.concat([train_frame, test_frame], how="diagonal_relaxed"),
            np.concatenate([train_y, test_y]), spec, cfg,
        )  # fmt: skip
        final.meta = {"trained_as_of": end.isoformat(), "split": split, "model": cfg.model,
                      "horizon_days": cfg.horizon_days, "evaluation": results}  # fmt: skip
        result.model_path = _save(final, cfg.model_path)
        _store_evaluation(con, result, cfg)
        result.report_path = write_html(
            cfg.report_path, "Churn risk: evaluation on held-out customers", results,
            {"learned": (test_y, learned_scores), "rules": (test_y, rules_scores)},
            _meta(result, cfg),
        )  # fmt: skip
    return result


def _save(model: Any, path: Path) -> Path:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return path


def _meta(result: TrainResult, cfg: RiskConfig) -> dict[str, Any]:
    return {
        "split": result.split,
        "trained as of": result.trained_as_of,
        "test cut-off": result.test_cutoff,
        "training cut-offs": ", ".join(c.isoformat() for c in result.train_cutoffs) or "—",
        "label": f"left within {cfg.horizon_days} days after the cut-off",
        "model": f"{cfg.model}, {cfg.calibration} calibration",
        "training rows": result.n_train,
        "capacity": f"{cfg.capacity_per_week}/week → top {cfg.capacity} over the horizon",
        "costs": f"lost customer {cfg.lost_customer_eur:g} EUR, offer {cfg.retention_offer_eur:g} "
        f"EUR, offer keeps {cfg.retention_success_rate:.0%} of leavers",
    }


def _store_evaluation(con: duckdb.DuckDBPyConnection, result: TrainResult, cfg: RiskConfig) -> None:
    rows = [
        {"trained_as_of": result.trained_as_of, "mode": mode,
         "model": cfg.model if mode == "learned" else "rules", "split": result.split,
         "test_cutoff": result.test_cutoff,
         "train_cutoffs": ",".join(c.isoformat() for c in result.train_cutoffs),
         "horizon_days": cfg.horizon_days, "n_train": result.n_train, **figs}
        for mode, figs in result.results.items()
    ]  # fmt: skip
    bins = [{"trained_as_of": result.trained_as_of, "mode": mode, **b}
            for mode, bs in result.calibration.items() for b in bs]  # fmt: skip
    con.execute("create schema if not exists marts")
    for table, data in ((EVALUATION_TABLE, rows), (CALIBRATION_TABLE, bins)):
        con.register("_risk_rows", pl.DataFrame(data, infer_schema_length=None).to_arrow())
        try:
            con.execute(f"create or replace table {table} as select * from _risk_rows")
        finally:
            con.unregister("_risk_rows")
