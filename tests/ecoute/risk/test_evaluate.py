"""Evaluation figures and the choice of cut-offs, by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from ecoute.jobs.risk_training import plan_cutoffs
from ecoute.reports.churn_evaluation import write_html
from ecoute.risk.config import RiskConfig
from ecoute.risk.evaluate import calibration_bins, figures, top_n

CFG = RiskConfig(
    horizon_days=28, train_cutoffs=8, cutoff_step_days=7, min_history_days=28,
    capacity_per_week=1, lost_customer_eur=600, retention_offer_eur=40,
    retention_success_rate=0.3,
)  # fmt: skip


def test_out_of_time_cut_offs_leave_the_test_labels_unseen():
    test, train = plan_cutoffs(dt.date(2026, 7, 6), dt.date(2026, 3, 16), CFG)
    assert test == dt.date(2026, 6, 8)  # labels of the test cut-off end on 07-06
    # The latest training cut-off's labels end exactly at the test cut-off; then weekly back,
    # as long as 28 days of events come before (03-16 + 28 = 04-13).
    assert train == tuple(dt.date(2026, m, d) for m, d in
                          ((5, 11), (5, 4), (4, 27), (4, 20), (4, 13)))  # fmt: skip


def test_a_customer_table_without_events_is_split_at_random():
    assert plan_cutoffs(dt.date(2020, 1, 1), None, CFG) == (dt.date(2020, 1, 1), ())


def test_too_little_history_falls_back_to_a_random_split():
    assert plan_cutoffs(dt.date(2026, 4, 1), dt.date(2026, 3, 1), CFG) == (dt.date(2026, 4, 1), ())


def test_figures_at_capacity_by_hand():
    labels = np.array([1, 0, 1, 0, 0, 0, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    cfg = dataclasses.replace(CFG, capacity_per_week=1, horizon_days=21)  # top 3
    out = figures(labels, scores, cfg)
    assert out["capacity_n"] == 3
    assert out["precision_at_capacity"] == pytest.approx(2 / 3)
    assert out["recall_at_capacity"] == pytest.approx(2 / 3)
    # 2 would-be leavers reached × 30 % kept × 600 − 3 offers × 40
    assert out["value_eur"] == pytest.approx(2 * 0.3 * 600 - 3 * 40)
    # pairs (positive, negative) ordered right: 1st beats 5, 3rd beats 4, 8th beats 0 → 9/15
    assert out["roc_auc"] == pytest.approx(9 / 15)
    assert out["base_rate"] == pytest.approx(3 / 8)
    # value of the top n: n=1 180-40, n=3 2×180-120 = 240 (best), n=8 3×180-320 = 220
    assert (out["best_list_n"], out["best_list_value_eur"]) == (3, pytest.approx(240))


def test_ties_at_the_capacity_go_to_the_earlier_row():
    assert top_n(np.array([0.5, 0.9, 0.5, 0.5]), 2).tolist() == [1, 0]


def test_calibration_bins_are_equal_count():
    bins = calibration_bins(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.7, 0.9]), bins=2)
    assert bins == [
        {"bin": 1, "n": 2, "mean_score": pytest.approx(0.15), "observed_rate": 0.0},
        {"bin": 2, "n": 2, "mean_score": pytest.approx(0.8), "observed_rate": 1.0},
    ]


def test_the_page_is_self_contained(tmp_path):
    labels, scores = np.array([0, 1, 0, 1]), np.array([0.1, 0.8, 0.3, 0.6])
    figs = {"learned": figures(labels, scores, CFG)}
    path = write_html(tmp_path / "e.html", "t", figs, {"learned": (labels, scores)}, {"a": 1})
    page = path.read_text(encoding="utf-8")
    assert "roc_auc" in page and "Calibration" in page
    assert "<script src=" not in page.replace('<script src="data:', "")  # plotly inlined
