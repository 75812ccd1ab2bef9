"""Scoring into marts.rpt_customers__risk, the build step, and the learned model's parts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest

from ecoute.risk.config import RiskConfig, risk_config
from ecoute.risk.learned import explain, feature_spec, fit, make_estimator, predict
from ecoute.risk.signals import Reason
from ecoute.warehouse.python.risk import RISK_TABLE, risk_step, score_customers, store_scores
from ecoute.warehouse.runner import build
from tests.ecoute.risk._fixtures import small_world
from tests.warehouse._warehouse_fixtures import settings_for


@pytest.fixture
def world(tmp_path):
    con = small_world(tmp_path)
    yield con, settings_for(tmp_path)
    con.close()


def test_rules_scores_with_reasons(world):
    con, settings = world
    scores = score_customers(con, settings, dt.date(2026, 3, 15))
    rows = {r["customer_id"]: r for r in scores.to_dicts()}
    assert rows["C4"]["reasons"][0] == _r("churn_threat_messages", 1.0)
    # 1.2 + 0.6 + 0.5 (joined on 2025-12-01, 104 days before the cut-off) in the default weights
    assert rows["C2"]["reasons"] == [
        _r("missed_visits_unannounced", 1.0),
        _r("missed_visits_announced", 1.0),
        _r("tenure", 104.0),
    ]
    assert rows["C3"]["reasons"][0]["code"] == "open_repair_days"
    assert int(rows["C3"]["reasons"][0]["value"]) == 15
    assert rows["C1"]["reasons"][0] == _r("dropped_without_callback", 1.0)
    assert set(scores["mode"]) == {"rules"}
    assert scores["score"].to_list() == sorted(scores["score"].to_list(), reverse=True)


def _r(code, value=None, text=None):
    return {"code": code, "value": value, "text": text}


def test_store_replaces_one_cut_off_and_keeps_the_others(world):
    con, settings = world
    for day in ("2026-03-15", "2026-03-25", "2026-03-15"):
        store_scores(con, score_customers(con, settings, dt.date.fromisoformat(day)))
    counts = dict(con.execute(f"select as_of, count(*) from {RISK_TABLE} group by 1").fetchall())
    # 2026-03-16 is the build's own default cut-off (the Monday starting the data's last,
    # incomplete week), kept too.
    assert counts == {dt.date(2026, 3, 15): 5, dt.date(2026, 3, 16): 5, dt.date(2026, 3, 25): 5}
    types = dict(
        con.execute(f"select column_name, column_type from (describe {RISK_TABLE})").fetchall()
    )
    assert types == {"customer_id": "VARCHAR", "as_of": "DATE", "score": "DOUBLE",
                     "band": "VARCHAR", "reasons": 'STRUCT(code VARCHAR, "value" DOUBLE, "text" VARCHAR)[]',
                     "mode": "VARCHAR"}  # fmt: skip


def test_build_step_scores_the_default_cut_off(world):
    con, settings = world
    from ecoute.warehouse.build import params_of

    build(con, params_of(settings), [risk_step(settings)])
    days = con.execute(f"select distinct as_of from {RISK_TABLE}").fetchall()
    assert days == [(dt.date(2026, 3, 16),)]


def test_the_build_bands_over_the_whole_cut_off(world):
    """The world's scores at the build's cut-off (2026-03-16): C3 0.195, C2 0.193, C4 0.132,
    C1 0.079, C7 0.020. With cut-offs 0.1 / 0.15 both C3 and C2 pass the high one, but a team
    calling one customer (high_band_size 1) gets C3 alone; C2 and C4 are medium. One customer
    per batch: no batch sees the others, the bands are still the population's."""
    con, settings = world
    from ecoute.warehouse.build import params_of

    settings = settings.with_overrides(
        risk={"band_cutoffs": [0.1, 0.15], "high_band_size": 1},
        warehouse={"batch_customers": 1},
    )
    build(con, params_of(settings), [risk_step(settings)])
    bands = dict(con.execute(f"select customer_id, band from {RISK_TABLE}").fetchall())
    assert bands == {"C3": "high", "C2": "medium", "C4": "medium", "C1": "low", "C7": "low"}


def test_learned_mode_without_a_model_falls_back_to_rules(world, capsys):
    con, settings = world
    settings = settings.with_overrides(risk={"mode": "learned"})
    assert risk_config(settings).model_path.name == "ecoute.risk-model.joblib"
    scores = score_customers(con, settings, dt.date(2026, 3, 15))
    assert set(scores["mode"]) == {"rules"}
    assert "no trained model" in capsys.readouterr().err


def _synthetic(n: int = 600, seed: int = 1) -> tuple[pl.DataFrame, np.ndarray]:
    """Leaving follows missed visits and month-to-month contracts; the rest is noise."""
    rng = np.random.default_rng(seed)
    missed = rng.poisson(0.3, n)
    monthly = rng.random(n) < 0.5
    z = -2.5 + 1.5 * missed + 1.2 * monthly
    labels = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    frame = pl.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "missed_visits_unannounced": missed,
        "repeat_contacts": rng.poisson(1, n),
        "tenure_days": rng.integers(30, 3000, n),
        "monthly_fee": rng.uniform(20, 100, n),
        "plan": rng.choice(["A", "B"], n),
        "extra.Contract": np.where(monthly, "Month-to-month", "One year"),
        "extra.Charges": [f"{v:.2f}" if v > 5 else None for v in rng.uniform(0, 500, n)],
    })  # fmt: skip
    return frame, labels


def test_gradient_boosting_is_calibrated_too():
    # Fitting it is left to the proofs' time budget: here only its assembly.
    frame, _ = _synthetic(50)
    cfg = dataclasses.replace(RiskConfig(), model="gradient_boosting", calibration="isotonic")
    estimator = make_estimator(cfg, feature_spec(frame, ["Contract"], 90), positives=100)
    assert estimator.method == "isotonic"
    assert type(estimator.estimator[-1]).__name__ == "HistGradientBoostingClassifier"


def test_learned_model_learns_and_explains():
    frame, labels = _synthetic()
    cfg = RiskConfig()
    spec = feature_spec(frame, ["Contract", "Charges"], 90)
    assert "extra.Charges" in spec.numeric and "extra.Contract" in spec.categorical
    trained = fit(frame, labels, spec, cfg)
    p = predict(trained, frame)
    assert ((p >= 0) & (p <= 1)).all()
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(labels, p) > 0.7
    reasons = explain(trained, frame, p, top=2)
    worst = int(np.argmax(frame["missed_visits_unannounced"].to_numpy() * 10 + p))
    assert any(r.code.startswith("missed_visits") for r in reasons[worst])
    assert any(r == Reason("extra.Contract", None, "Month-to-month") for rs in reasons for r in rs)


def test_too_few_churners_to_train():
    frame, labels = _synthetic(50)
    spec = feature_spec(frame, [], 90)
    with pytest.raises(ValueError, match="cannot train"):
        fit(frame, np.zeros(50, int), spec, RiskConfig())


def test_learned_mode_uses_the_trained_model(world, tmp_path):
    import joblib

    con, settings = world
    frame, labels = _synthetic()
    spec = feature_spec(frame, ["Contract", "Charges"], 90)
    path = tmp_path / "model.joblib"
    joblib.dump(fit(frame, labels, spec, RiskConfig()), path)
    settings = settings.with_overrides(risk={"mode": "learned", "model_path": str(path)})
    scores = score_customers(con, settings, dt.date(2026, 3, 15))
    rows = {r["customer_id"]: r for r in scores.to_dicts()}
    assert set(scores["mode"]) == {"learned"} and len(rows) == 5
    # The model learned that missed visits and month-to-month contracts make people leave.
    assert _r("missed_visits_unannounced", 1.0) in rows["C2"]["reasons"]
    assert _r("extra.Contract", None, "Month-to-month") in rows["C1"]["reasons"]


def test_a_warehouse_from_before_reasons_were_data_is_migrated(world):
    """An old risk table (reasons varchar[]: English sentences) gets the new column when the
    next scores are stored; its history keeps each sentence as a reason of code 'text'."""
    con, settings = world
    con.execute(f"drop table if exists {RISK_TABLE}")
    con.execute(
        f"create table {RISK_TABLE} (customer_id varchar, as_of date, score double, "
        "band varchar, reasons varchar[], mode varchar)"
    )
    con.execute(f"insert into {RISK_TABLE} values ('C1', '2026-01-05', 0.3, 'medium', "
                "['2 repeat contacts'], 'rules')")  # fmt: skip
    store_scores(con, score_customers(con, settings, dt.date(2026, 3, 15)))
    old = con.execute(f"select reasons from {RISK_TABLE} where as_of = '2026-01-05'").fetchone()
    assert old == ([_r("text", None, "2 repeat contacts")],)
    (c1,) = con.execute(
        f"select reasons from {RISK_TABLE} where as_of = '2026-03-15' and customer_id = 'C1'"
    ).fetchone()
    assert c1[0] == _r("dropped_without_callback", 1.0)
