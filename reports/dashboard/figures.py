"""Plotly figures of the dashboard, shared by the live app and the static export.

Text that comes from the data (region, queue, team names, event details, reasons) goes through
:func:`esc` before it reaches a figure: plotly renders a subset of HTML in labels and hovers, so
an unescaped ``<b>x</b>`` in a message subject would turn bold instead of showing as typed.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ecoute.reports.dashboard.data import BETTER
from ecoute.reports.i18n import EN, Lang

INK = "#1f2a37"
MUTED = "#6b7280"
GOOD = "#15803d"
BAD = "#b91c1c"
ACCENT = "#1d4ed8"
NEUTRAL = "#94a3b8"
GRID = "#e5e7eb"
FONT = "Inter, 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif"


def esc(text: Any) -> str:
    """Data text made safe for plotly's label markup (shown exactly as written)."""
    return html.escape("" if text is None else str(text), quote=False)


def fmt(value: float | None, kind: str, L: Lang = EN) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return L.pct(value)
    if kind == "count":
        return L.num(value)
    return L.num(value, 2)


# A rate's axis spans at least this many points: 82–85 % drawn full height reads as a
# collapse; with 20 points of span the same noise looks like the wobble it is.
MIN_RATE_SPAN = 20.0


def rate_range(values: list[float], target: float | None = None) -> list[float]:
    """The y range of a rate in percent: the data (and target) with a margin, widened to
    at least MIN_RATE_SPAN points and kept within 0–100."""
    points = [v for v in values if v is not None] + ([target] if target is not None else [])
    if not points:
        return [0.0, 100.0]
    low, high = min(points), max(points)
    pad = max((high - low) * 0.15, 1.0)
    low, high = low - pad, high + pad
    if high - low < MIN_RATE_SPAN:
        middle = (high + low) / 2
        low, high = middle - MIN_RATE_SPAN / 2, middle + MIN_RATE_SPAN / 2
    if low < 0:
        low, high = 0.0, max(high - low, MIN_RATE_SPAN)
    if high > 100:
        low, high = max(0.0, low - (high - 100)), 100.0
    return [low, high]


def _layout(fig: Any, title: str, height: int, subtitle: str | None = None) -> Any:
    """House style. `title` and `subtitle` are markup: escape data text before passing it."""
    title_spec: dict[str, Any] = {
        "text": title,
        "x": 0.0,
        "xanchor": "left",
        "font": {"size": 15, "color": INK},
    }
    if subtitle:
        title_spec["subtitle"] = {"text": subtitle, "font": {"size": 11, "color": MUTED}}
    fig.update_layout(
        title=title_spec,
        height=height,
        margin={"l": 10, "r": 10, "t": 44, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": FONT, "color": INK, "size": 12},
        showlegend=False,
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return fig


def _base(title: str, height: int, subtitle: str | None = None) -> dict[str, Any]:
    """House-style layout as a plain dict. Figures below are written as the dicts plotly.js
    reads: graph objects validate every property, which cost 50–150 ms per refresh."""
    title_spec: dict[str, Any] = {"text": title, "x": 0.0, "xanchor": "left",
                                  "font": {"size": 15, "color": INK}}  # fmt: skip
    if subtitle:
        title_spec["subtitle"] = {"text": subtitle, "font": {"size": 11, "color": MUTED}}
    return {
        "title": title_spec,
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 64 if subtitle else 44, "b": 10},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": FONT, "color": INK, "size": 12},
        "showlegend": False,
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"gridcolor": GRID, "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": GRID, "zeroline": False, "automargin": True},
    }


def empty(title: str, message: str, height: int = 300) -> dict[str, Any]:
    layout = _base(title, height)
    layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
    layout["annotations"] = [{
        "text": esc(message), "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper",
        "yref": "paper", "font": {"color": MUTED, "size": 13},
    }]  # fmt: skip
    return {"data": [], "layout": layout}


# The trends' margins are fixed, wide enough for the first column's tick labels ("100 %",
# "12,345") and the last row's dates. With `automargin` plotly measures every axis' labels and
# redraws until the margins settle: on eight subplots that was half of the landing page's
# drawing time (docs/dashboard.md, "Landing time, measured").
TRENDS_MARGIN = {"l": 58, "r": 10, "t": 60, "b": 30}


def trends(
    series: dict[str, list[tuple[dt.date, float | None]]],
    kpis: tuple[tuple[str, str, str, str | None], ...],
    targets: dict[str, float],
    grain: str,
    unavailable: dict[str, str] | None = None,
    L: Lang = EN,
) -> dict[str, Any]:
    """Small multiples: one line per KPI over the selected range, with its target. A KPI the
    marts do not record for the chosen slice says so instead of drawing empty axes.

    Written as a plain figure dict (what plotly.js reads): building it through
    ``make_subplots`` and validated graph objects cost ~150 ms per refresh, this costs ~1 ms."""
    cols, h_gap, v_gap = 4, 0.06, 0.22
    rows = (len(kpis) + cols - 1) // cols
    width = (1 - h_gap * (cols - 1)) / cols
    height = (1 - v_gap * (rows - 1)) / rows
    layout: dict[str, Any] = {"annotations": [], "shapes": []}
    data = []
    for i, (metric, label, kind, _better) in enumerate(kpis):
        r, c = i // cols, i % cols
        n = "" if i == 0 else str(i + 1)
        x0 = c * (width + h_gap)
        y1 = 1 - r * (height + v_gap)
        xdomain, ydomain = [x0, x0 + width], [y1 - height, y1]
        off = bool(unavailable and metric in unavailable)
        layout[f"xaxis{n}"] = {
            "domain": xdomain,
            "anchor": f"y{n}",
            "type": "date",
            "gridcolor": GRID,
            "zeroline": False,
            "automargin": False,  # fixed margins below: see TRENDS_MARGIN
            "visible": not off,
        }
        layout[f"yaxis{n}"] = {"domain": ydomain, "anchor": f"x{n}", "gridcolor": GRID,
                               "zeroline": False, "automargin": False, "visible": not off,
                               "ticksuffix": " %" if kind == "pct" else ""}  # fmt: skip
        layout["annotations"].append({
            "text": esc(label), "showarrow": False, "xref": "paper", "yref": "paper",
            "x": x0 + width / 2, "y": y1, "xanchor": "center", "yanchor": "bottom",
            "font": {"size": 12, "color": MUTED},
        })  # fmt: skip
        if off:
            layout["annotations"].append({
                "text": esc(unavailable[metric]), "showarrow": False, "xref": "paper",
                "yref": "paper", "x": x0 + width / 2, "y": y1 - height / 2,
                "xanchor": "center", "yanchor": "middle", "font": {"size": 12, "color": MUTED},
            })  # fmt: skip
            continue
        points = [(p, v) for p, v in series.get(metric, []) if v is not None]
        scale = 100 if kind == "pct" else 1
        unit = " %" if kind == "pct" else ""
        data.append({
            "type": "scatter", "xaxis": f"x{n}", "yaxis": f"y{n}", "name": esc(label),
            "x": [p.isoformat() for p, _ in points], "y": [v * scale for _, v in points],
            "mode": "lines+markers" if len(points) < 30 else "lines",
            "line": {"color": ACCENT, "width": 2}, "marker": {"size": 5},
            "hovertemplate": f"%{{x|%-d %b %Y}}: %{{y:,.1f}}{unit}<extra></extra>",
        })  # fmt: skip
        target = targets.get(metric)
        if kind == "pct":
            layout[f"yaxis{n}"]["range"] = rate_range(
                [v * 100 for _, v in points], None if target is None else target * 100
            )
        if target is not None and points:
            layout["shapes"].append({
                "type": "line", "xref": f"x{n} domain", "x0": 0, "x1": 1, "yref": f"y{n}",
                "y0": target * scale, "y1": target * scale,
                "line": {"color": MUTED, "dash": "dot", "width": 1},
            })  # fmt: skip
    layout.update({
        "title": {"text": esc(L.t(f"dash.trends_{'week' if grain == 'week' else 'day'}")),
                  "x": 0.0, "xanchor": "left",
                  "font": {"size": 15, "color": INK}},
        "height": 190 * rows + 80, "margin": TRENDS_MARGIN,
        "paper_bgcolor": "white", "plot_bgcolor": "white", "showlegend": False,
        "font": {"family": FONT, "color": INK, "size": 12}, "hoverlabel": {"font": {"family": FONT}},
    })  # fmt: skip
    return {"data": data, "layout": layout}


def region_bars(
    rows: list[dict[str, Any]], metric: str, selected: str | None, note: str | None = None,
    L: Lang = EN,
) -> dict[str, Any]:  # fmt: skip
    """Regions ranked on one metric, worst at the top; the selected region stands out."""
    label = L.label(metric)
    title = L.t("dash.by_region_title", label=label)
    if not rows:
        return empty(title, L.t("dash.no_data_metric"))
    names = [r["region"] for r in rows][::-1]
    values = [r["value"] * 100 for r in rows][::-1]
    worse = L.t("dash.higher" if BETTER.get(metric) != "higher" else "dash.lower")
    subtitle = note or L.t("dash.worst_on_top", worse=worse)
    layout = _base(esc(title), 320, esc(subtitle))
    layout["xaxis"]["ticksuffix"] = " %"
    layout["xaxis"]["rangemode"] = "tozero"
    bar = {
        "type": "bar", "orientation": "h", "x": values, "y": [esc(n) for n in names],
        "customdata": names, "text": [f"{L.num(v, 1)} %" for v in values], "textposition": "auto",
        "marker": {"color": [ACCENT if selected in (None, n) else NEUTRAL for n in names]},
        "hovertemplate": "%{y}: %{x:.1f} %<extra></extra>",
    }  # fmt: skip
    return {"data": [bar], "layout": layout}


def grouped_bars(
    rows: list[dict[str, Any]], metrics: tuple[str, ...], title: str, selected: str | None,
    note: str | None = None, L: Lang = EN,
) -> dict[str, Any]:  # fmt: skip
    """Queues or teams side by side on two metrics; click a bar to filter the page."""
    rows = [r for r in rows if any(r.get(m) is not None for m in metrics)]
    if not rows:
        return empty(title, note or L.t("dash.no_data"))
    names = [r["value"] for r in rows]
    data = []
    for metric, colour in zip(metrics, (ACCENT, "#f59e0b"), strict=False):
        label = esc(L.label(metric))
        data.append({
            "type": "bar", "name": label, "x": [esc(n) for n in names],
            "y": [None if r.get(metric) is None else r[metric] * 100 for r in rows],
            "customdata": names,
            "marker": {"color": colour,
                       "opacity": [1.0 if selected in (None, n) else 0.35 for n in names]},
            "hovertemplate": "%{x}: %{y:.1f} %<extra>" + label + "</extra>",
        })  # fmt: skip
    layout = _base(esc(title), 340, esc(note or L.t("dash.click_to_filter")))
    layout.update({
        "barmode": "group", "showlegend": True,
        "legend": {"orientation": "h", "y": 1.03, "x": 0, "xanchor": "left",
                   "yanchor": "bottom", "font": {"size": 11}},
        "margin": {"l": 10, "r": 10, "t": 108, "b": 10},
    })  # fmt: skip
    layout["yaxis"]["ticksuffix"] = " %"
    layout["yaxis"]["rangemode"] = "tozero"  # a share's bars start at 0, never mid-axis
    return {"data": data, "layout": layout}


KIND_ORDER = ("call", "message", "ticket", "appointment", "notification")


def journey_timeline(journey: dict[str, Any], horizon: dt.datetime | None = None,
                     L: Lang = EN) -> Any:  # fmt: skip
    """The customer's story as a plotly timeline: one lane per kind of event, red when
    something went wrong; a ticket that took service away spans the days without it."""
    import plotly.express as px

    events = journey["events"]
    if not events:
        return empty(L.t("dash.journey"), L.t("dash.no_events", customer=journey["customer_id"]))
    rows = []
    wrong, ok = L.t("dash.went_wrong"), L.t("dash.ok")
    for e in events:
        start = dt.datetime.fromisoformat(e["local_at"])
        days = e.get("days_without_service")
        end = start + (dt.timedelta(days=days) if days else dt.timedelta(hours=10))
        flags = [L.opt(f"flag.{f}", f.replace("_", " ")) for f in e["flags"]]
        rows.append(
            {
                "start": start,
                "end": end,
                "lane": L.opt(f"event.{e['kind']}", e["kind"]),
                "status": wrong if flags else ok,
                "what": esc(e["id"]),
                "detail": esc(L.detail(e["kind"], e.get("facts"))),
                "flags": esc(", ".join(flags) or "—"),
                "days": L.n("journeys.days_without_service", days) if days else "",
            }
        )
    fig = px.timeline(
        rows, x_start="start", x_end="end", y="lane", color="status",
        color_discrete_map={wrong: BAD, ok: NEUTRAL},
        category_orders={"lane": [lane for k in KIND_ORDER
                                  if any(r["lane"] == (lane := L.opt(f"event.{k}", k))
                                         for r in rows)],
                         "status": [wrong, ok]},
        custom_data=["what", "detail", "flags", "days"],
    )  # fmt: skip
    fig.update_traces(
        hovertemplate="<b>%{customdata[0]}</b> %{base|%d %b %Y %H:%M}<br>%{customdata[1]}"
        "<br>" + esc(L.t("dash.col_went_wrong")) + ": %{customdata[2]}<br>%{customdata[3]}"
        "<extra></extra>",
        marker_line_width=0,
    )
    fig = _layout(fig, esc(L.t("dash.journey_title", customer=journey["customer_id"])), 340)
    fig.update_layout(showlegend=True, legend={"title": None, "orientation": "h", "y": 1.08,
                                               "x": 1, "xanchor": "right"})  # fmt: skip
    fig.update_yaxes(title=None)
    return fig


BAND_COLOURS = {"high": BAD, "medium": "#f59e0b", "low": NEUTRAL}


def risk_bands(bands: list[dict[str, Any]], L: Lang = EN) -> dict[str, Any]:
    if not bands:
        return empty(L.t("section.risk"), L.t("dash.no_risk"))
    first = bands[0]
    mode = L.opt(f"risk.mode_{first.get('mode')}", str(first.get("mode")))
    note = L.t("dash.risk_note", as_of=first["as_of"], mode=mode) if first.get("as_of") else None
    bar = {
        "type": "bar", "x": [esc(L.opt(f"band.{b['band']}", str(b["band"]))) for b in bands],
        "y": [b["customers"] for b in bands],
        "marker": {"color": [BAND_COLOURS.get(str(b["band"]).lower(), NEUTRAL) for b in bands]},
        "hovertemplate": "%{x}: %{y:,} customers<extra></extra>",
    }  # fmt: skip
    return {"data": [bar], "layout": _base(esc(L.t("dash.risk_title")), 300, esc(note) or None)}
