"""Evaluation figures of a risk score on held-out customers, and the HTML page that shows them.

Pure apart from ``write_html``. "At capacity" means the retention team calls the top N
customers by score, N = ``capacity_per_week`` × the horizon in weeks; the value of doing so is
saved customers × what a lost customer costs − N × the offer's cost, where saved = customers
in the top N who would have left × ``retention_success_rate``.
"""

from __future__ import annotations

from pathlib import Path
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


def write_html(
    path: Path,
    title: str,
    results: dict[str, dict[str, Any]],
    curves: dict[str, tuple[np.ndarray, np.ndarray]],
    meta: dict[str, Any],
) -> Path:
    """A self-contained page (plotly inlined): figures table, ROC curves, calibration plot."""
    import html

    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    from sklearn.metrics import roc_curve

    fig = make_subplots(rows=1, cols=2, subplot_titles=("ROC curve", "Calibration"))
    for name, (labels, scores) in curves.items():
        if 0 < int(np.sum(labels)) < len(labels):
            fpr, tpr, _ = roc_curve(labels, scores)
            fig.add_trace(go.Scatter(x=fpr, y=tpr, name=f"{name} ROC", mode="lines"), 1, 1)
        bins = calibration_bins(labels, scores)
        fig.add_trace(go.Scatter(x=[b["mean_score"] for b in bins],
                                 y=[b["observed_rate"] for b in bins],
                                 name=f"{name} calibration", mode="lines+markers"), 1, 2)  # fmt: skip
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", showlegend=False,
                                 line={"dash": "dot", "color": "grey"}), 1, col)  # fmt: skip
    fig.update_xaxes(title_text="false positive rate", row=1, col=1)
    fig.update_yaxes(title_text="true positive rate", row=1, col=1)
    fig.update_xaxes(title_text="mean predicted score", row=1, col=2)
    fig.update_yaxes(title_text="share who left", row=1, col=2)
    fig.update_layout(height=480, width=1000)
    keys = list(next(iter(results.values())).keys())
    head = "".join(f"<th>{html.escape(n)}</th>" for n in results)
    body = "".join(
        f"<tr><td>{k}</td>"
        + "".join(f"<td>{_fmt(r.get(k))}</td>" for r in results.values())
        + "</tr>"
        for k in keys
    )
    about = "".join(f"<li>{html.escape(k)}: {html.escape(str(v))}</li>" for k, v in meta.items())
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}"
        "td:first-child{text-align:left}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><ul>{about}</ul>"
        f"<table><tr><th></th>{head}</tr>{body}</table>"
        f"{fig.to_html(full_html=False, include_plotlyjs=True)}</body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)
