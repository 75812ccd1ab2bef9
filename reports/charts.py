"""The report's plotly charts, drawn from data the report already read (nothing is queried here).

Each chart is a fixed-size figure (it must fit an A4 page when printed) written as a ``<div>``
and a ``Plotly.newPlot`` call; the plotly library itself is inlined once by the template.
"""

from __future__ import annotations

from typing import Any

NAVY = "#1f3a5f"
GREY = "#8a94a6"
GREEN = "#2e7d32"
RED = "#c62828"
WIDTH = 640
FONT = {"family": "DejaVu Sans, Helvetica, Arial, sans-serif", "size": 11, "color": "#333"}


def charts_for(report: Any) -> dict[str, str]:
    """section key → HTML of its charts."""
    ctx = report.context
    out = {"headline": _div("chart-headline", _headline(ctx))}
    out["contact_centre"] = _div("chart-calls", _calls(ctx))
    repairs = next(s for s in ctx["sections"] if s["key"] == "repairs")
    out["repairs"] = _div("chart-backlog", _backlog(ctx, repairs))
    comm = next(s for s in ctx["sections"] if s["key"] == "communication")
    intents = comm["data"].get("communication_intents") or []
    if any(r["messages"] for r in intents):
        out["communication"] = _div("chart-intents", _intents(intents))
    return out


def _div(element_id: str, figure: Any) -> str:
    from ecoute.reports.weekly import chart_json

    height = int(figure.layout.height or 240)
    return (
        f'<div class="chart" id="{element_id}" style="width:{WIDTH}px;height:{height}px"></div>'
        f"<script>(function(){{var f={chart_json(figure)};"
        f'Plotly.newPlot("{element_id}",f.data,f.layout,'
        "{displayModeBar:false,responsive:false,staticPlot:false});})();</script>"
    )


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {
        "width": WIDTH,
        "height": height,
        "margin": {"l": 44, "r": 12, "t": 28, "b": 28},
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        **extra,
    }


def _headline(ctx: dict[str, Any]) -> Any:
    """Small multiples: each headline metric over the trend weeks, with its target band."""
    from plotly.subplots import make_subplots

    from ecoute.reports.weekly import LABELS, kind_of

    cards = next(s for s in ctx["sections"] if s["key"] == "headline")["cards"]
    cols = 4
    rows = max(1, -(-len(cards) // cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[LABELS.get(c["metric"], c["metric"]) for c in cards],
        horizontal_spacing=0.07,
        vertical_spacing=0.2,
    )
    targets = {t["metric"] for t in ctx["targets"]}
    for i, c in enumerate(cards):
        r, col = i // cols + 1, i % cols + 1
        series = ctx["trend"].get(c["metric"], [])
        x = [w[-3:] for w, _ in series]
        scale = 100.0 if kind_of(c["metric"]) == "ratio" else 1.0
        y = [None if v is None else v * scale for _, v in series]
        fig.add_scatter(
            x=x, y=y, mode="lines+markers", row=r, col=col,
            line={"color": NAVY, "width": 2}, marker={"size": 4},
            hovertemplate="%{x}: %{y:.1f}<extra></extra>", connectgaps=False,
        )  # fmt: skip
        if c["metric"] in targets:
            for key, colour in (("green", GREEN), ("red", RED)):
                level = _target(ctx, c["metric"], key)
                if level is not None:
                    fig.add_hline(
                        y=level * scale, row=r, col=col,
                        line={"color": colour, "width": 1, "dash": "dot"},
                    )  # fmt: skip
        fig.update_yaxes(ticksuffix=" %" if scale == 100 else "", row=r, col=col)
    fig.update_xaxes(showgrid=False, tickfont={"size": 9}, linecolor="#ccc", tickangle=0, nticks=5)
    fig.update_yaxes(gridcolor="#eee", tickfont={"size": 9}, zeroline=False, rangemode="tozero")
    fig.update_annotations(font={"size": 10, "color": NAVY})
    fig.update_layout(**_layout(200 * rows + 20, margin={"l": 40, "r": 10, "t": 30, "b": 24}))
    return fig


def _target(ctx: dict[str, Any], metric: str, key: str) -> float | None:
    value = ctx.get("_targets_raw", {}).get(metric, {}).get(key)
    return None if value is None else float(value)


def _calls(ctx: dict[str, Any]) -> Any:
    """Inbound calls per week (bars) and the share abandoned (line)."""
    import plotly.graph_objects as go

    calls = ctx["trend"].get("inbound_calls", [])
    abandon = ctx["trend"].get("abandon_rate", [])
    fig = go.Figure()
    fig.add_bar(
        x=[w for w, _ in calls], y=[v for _, v in calls], name="inbound calls",
        marker_color="#9fb3c8", hovertemplate="%{x}: %{y:,.0f} calls<extra></extra>",
    )  # fmt: skip
    fig.add_scatter(
        x=[w for w, _ in abandon], y=[None if v is None else v * 100 for _, v in abandon],
        name="abandoned (%)", yaxis="y2", mode="lines+markers", line={"color": RED, "width": 2},
        hovertemplate="%{x}: %{y:.1f} %% abandoned<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        **_layout(230, showlegend=True, margin={"l": 50, "r": 50, "t": 30, "b": 28}),
        title={"text": "Inbound calls and abandon rate, by week", "font": {"size": 12}, "x": 0},
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right", "font": {"size": 10}},
        yaxis={"gridcolor": "#eee", "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "ticksuffix": " %", "rangemode": "tozero",
                "showgrid": False},
    )  # fmt: skip
    return fig


def _backlog(ctx: dict[str, Any], repairs: dict[str, Any]) -> Any:
    """Open fault tickets at the week's end, by age."""
    import plotly.graph_objects as go

    ages = (("age_le_2d", "≤ 2 days"), ("age_3_7d", "3–7 days"),
            ("age_8_14d", "8–14 days"), ("age_gt_14d", "> 14 days"))  # fmt: skip
    metrics = ctx["metrics"]
    y = [(metrics.get(f"open_fault_backlog.{k}") or {}).get("value") or 0 for k, _ in ages]
    fig = go.Figure(
        go.Bar(
            x=[label for _, label in ages], y=y, marker_color=[GREY, "#6b7fa0", "#c77c2c", RED],
            text=[f"{v:,.0f}" for v in y], textposition="outside", cliponaxis=False,
            hovertemplate="%{x}: %{y:,.0f} tickets<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        **_layout(210),
        title={"text": "Open fault tickets at the week's end, by age", "font": {"size": 12},
               "x": 0},
        yaxis={"gridcolor": "#eee"},
    )  # fmt: skip
    return fig


def _intents(intents: list[dict[str, Any]]) -> Any:
    """Share of written complaints carrying each intent, this week and last week."""
    import plotly.graph_objects as go

    rows = sorted(intents, key=lambda r: r["share"] or 0)
    names = [r["intent"].replace("_", " ") for r in rows]
    fig = go.Figure()
    fig.add_bar(
        y=names, x=[(r["previous_share"] or 0) * 100 for r in rows], orientation="h",
        name="last week", marker_color="#c9d3df",
        hovertemplate="%{y}: %{x:.1f} %% last week<extra></extra>",
    )  # fmt: skip
    fig.add_bar(
        y=names, x=[(r["share"] or 0) * 100 for r in rows], orientation="h", name="this week",
        marker_color=NAVY, hovertemplate="%{y}: %{x:.1f} %% this week<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        **_layout(300, showlegend=True, margin={"l": 140, "r": 12, "t": 30, "b": 28}),
        barmode="group", bargap=0.25,
        title={"text": "What written complaints were about (share of messages)",
               "font": {"size": 12}, "x": 0},
        legend={"orientation": "h", "y": 1.1, "x": 1, "xanchor": "right", "font": {"size": 10}},
        xaxis={"ticksuffix": " %", "gridcolor": "#eee"},
    )  # fmt: skip
    return fig
