"""The churn model's evaluation page: figures table, ROC curves and calibration plot, written
by ``ecoute risk train`` beside the trained model (docs/churn.md). The figures come from
ecoute.risk.evaluate; this module only draws them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ecoute.risk.evaluate import calibration_bins


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
