"""Evaluation figures of a risk score on held-out customers, and the HTML page that shows them.

Pure apart from ``write_html``. "At capacity" means the retention team calls the top N
customers by score, N = ``capacity_per_week`` × the horizon in weeks; the value of doing so is
saved customers × what a lost customer costs − N × the offer's cost, where saved = customers
in the top N who would have left × ``retention_success_rate``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecoute.risk.config import RiskConfig

LABELS = {
    "n_test": "held-out customers",
    "positives_test": "of whom left",
    "base_rate": "share who left",
    "roc_auc": "ROC AUC",
    "average_precision": "average precision",
    "brier": "Brier score",
    "capacity_n": "list length at capacity",
    "precision_at_capacity": "precision at capacity",
    "recall_at_capacity": "recall at capacity",
    "value_eur": "value at capacity (EUR)",
    "best_list_n": "most valuable list length",
    "best_list_value_eur": "its value (EUR)",
}


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n highest scores; ties go to the earlier row (a stable order)."""
    return np.argsort(-scores, kind="stable")[:n]


def figures(labels: np.ndarray, scores: np.ndarray, cfg: RiskConfig) -> dict[str, Any]:
    """ROC AUC, average precision, Brier score, and precision/recall/value at capacity."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    labels = np.asarray(labels, dtype=int)
    positives = int(labels.sum())
    both = 0 < positives < len(labels)
    capacity = min(cfg.capacity, len(labels))
    hits = int(labels[top_n(scores, capacity)].sum())
    saved = hits * cfg.retention_success_rate
    return {
        "n_test": len(labels),
        "positives_test": positives,
        "base_rate": positives / len(labels) if len(labels) else None,
        "roc_auc": float(roc_auc_score(labels, scores)) if both else None,
        "average_precision": float(average_precision_score(labels, scores)) if both else None,
        "brier": float(brier_score_loss(labels, scores)) if len(labels) else None,
        "capacity_n": capacity,
        "precision_at_capacity": hits / capacity if capacity else None,
        "recall_at_capacity": hits / positives if positives else None,
        "value_eur": round(saved * cfg.lost_customer_eur - capacity * cfg.retention_offer_eur, 2),
        **_best_list(labels, scores, cfg),
    }


def _best_list(labels: np.ndarray, scores: np.ndarray, cfg: RiskConfig) -> dict[str, Any]:
    """The list length that would have been worth most, and its value (0 = call nobody)."""
    hits = np.concatenate([[0], np.cumsum(labels[top_n(scores, len(labels))])])
    value = (hits * cfg.retention_success_rate * cfg.lost_customer_eur
             - np.arange(len(hits)) * cfg.retention_offer_eur)  # fmt: skip
    best = int(np.argmax(value))
    return {"best_list_n": best, "best_list_value_eur": round(float(value[best]), 2)}


def calibration_bins(labels: np.ndarray, scores: np.ndarray, bins: int = 10) -> list[dict]:
    """Equal-count bins of the score: mean score vs the share that actually left."""
    order = np.argsort(scores, kind="stable")
    out = []
    for i, idx in enumerate(np.array_split(order, min(bins, len(order)))):
        if len(idx):
            out.append({"bin": i + 1, "n": len(idx), "mean_score": float(scores[idx].mean()),
                        "observed_rate": float(np.asarray(labels)[idx].mean())})  # fmt: skip
    return out
