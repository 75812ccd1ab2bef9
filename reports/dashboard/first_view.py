"""The landing page's first view as static HTML: header, controls, status, tiles and the trends
as inline SVG, served in the page's HTML for ``/`` and shown until Dash has drawn the live view.

Why: the live page draws nothing before Dash's renderer and plotly.js have loaded and run
(2.6 s on the default demo here; the smallest Dash page drawing one graph takes longer). The
tiles and the trends are what a manager opens the page for, so the server sends them drawn.
The stylesheet keeps the live page laid out but invisible, in the same place, until its trends
are drawn, then hides this view: no script of ours, the same boxes (docs/dashboard.md,
"Landing time, session 7").

One source of the figures: the tiles are :func:`app.tile_facts`, the trends are drawn from the
very figure dict the live graph receives (same points, target lines, axis ranges, labels and
colours), through the weekly report's SVG line panel (:mod:`reports.charts`). Every text is
escaped: labels, numbers and dates here, and the SVG's text through the report's helpers.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape
from typing import Any

from ecoute.reports.charts import line_panel
from ecoute.reports.i18n import Lang


def tiles_html(facts: list[dict[str, Any]]) -> str:
    """The KPI tiles as HTML (the live tiles' classes, without their ids)."""
    e = escape
    return "".join(
        f'<div class="kpi" data-metric="{e(t["metric"])}"><div class="kpi-label">{e(t["label"])}'
        f'</div><div class="kpi-value">{e(t["value"])}</div>'
        f'<div class="{e(t["delta_class"])}">{e(t["delta"])}</div>'
        f'<span class="{e(t["pill_class"])}">{e(t["pill"])}</span></div>'
        for t in facts
    )


def trends_svg(figure: dict[str, Any], kpis: tuple[tuple[str, str, str, str | None], ...],
               title: str, L: Lang) -> str:  # fmt: skip
    """The live trends figure as a title and one SVG panel per KPI, in a box of the figure's
    height (the live graph's box)."""
    layout = figure["layout"]
    panels = []
    for i, (metric, label, _kind, _better) in enumerate(kpis):
        n = "" if i == 0 else str(i + 1)
        axis = layout.get(f"yaxis{n}", {})
        trace = next((t for t in figure["data"] if t.get("yaxis") == f"y{n}"), None)
        if not axis.get("visible", True) or trace is None:
            # not recorded for the slice (the live figure says why in an annotation) or no data
            body = '<div class="static-empty"></div>'
        else:
            body = _panel(trace, axis, layout.get("shapes", []), n, label, L)
        panels.append(
            f'<div class="static-panel" data-metric="{escape(metric)}">'
            f'<div class="static-panel-title">{escape(label)}</div>{body}</div>'
        )
    return (
        f'<div class="static-graph" style="height:{int(layout["height"])}px">'
        f'<div class="static-title">{escape(title)}</div>'
        f'<div class="static-multiples">{"".join(panels)}</div></div>'
    )


def _panel(trace: dict[str, Any], axis: dict[str, Any], shapes: list[dict[str, Any]], n: str,
           label: str, L: Lang) -> str:  # fmt: skip
    days = [dt.date.fromisoformat(x) for x in trace["x"]]
    values = list(trace["y"])
    levels = [("target", s["y0"]) for s in shapes if s.get("yref") == f"y{n}"]
    level_colour = next((s["line"]["color"] for s in shapes if s.get("yref") == f"y{n}"), None)
    y_range = axis.get("range") or _padded([*values, *(v for _, v in levels)])
    # about four dates, ending on the last point; even steps: the panel labels every other x
    every = 2 * max(1, math.ceil(len(days) / 8))
    x = [
        L.axis_date(d) if (len(days) - 1 - i) % every == 0 else ""
        for i, d in enumerate(days)
    ]
    return line_panel(x, values, levels, L, axis.get("ticksuffix", ""), label,
                       y_range=tuple(y_range), line=trace["line"]["color"],
                       level_colour=level_colour)  # fmt: skip


def _padded(values: list[float]) -> tuple[float, float]:
    """A count's axis as plotly's autorange draws it: the data with a margin, not from zero."""
    known = [v for v in values if v is not None] or [0.0]
    low, high = min(known), max(known)
    pad = (high - low) * 0.08 or max(abs(high) * 0.05, 1.0)
    return low - pad, high + pad


def controls_html(labels: dict[str, str], dates: tuple[str, str]) -> str:
    """The filter bar's boxes, inert: the live controls replace them (same classes, so the
    same size; placeholder boxes as tall as Dash's inputs)."""
    e = escape
    boxes = [
        ("control dates", labels["weeks"], f"{e(dates[0])} → {e(dates[1])}"),
        ("control", labels["region"], e(labels["all_regions"])),
        ("control", labels["segment"], e(labels["all_segments"])),
        ("control", labels["category"], e(labels["all_categories"])),
        ("control small", labels["trend"], f"◉ {e(labels['weekly'])} ○ {e(labels['daily'])}"),
    ]
    return '<div class="controls">' + "".join(
        f'<div class="{cls}"><label>{e(label)}</label><div class="static-input">{text}</div></div>'
        for cls, label, text in boxes
    ) + "</div>"  # fmt: skip


def page_html(*, tagline: str, caption: str, controls: str, hint: str, status: str,
              tiles: str, trends: str) -> str:  # fmt: skip
    """The first view in the live page's boxes: header, controls, drill bar, status, tiles,
    the trends' card. `controls`, `tiles` and `trends` are HTML built above; the rest text."""
    e = escape
    return (
        '<div id="first-view" class="page" data-first-paint="">'
        '<header><div><span class="brand">Écoute</span>'
        f'<span class="tagline"> {e(tagline)}</span></div>'
        f'<div class="caption">{e(caption)}</div></header>'
        f'{controls}<div class="drill-bar"><div><span class="muted">{e(hint)}</span></div></div>'
        f'<div class="status"><span>{e(status)}</span></div>'
        f'<div class="kpis">{tiles}</div><div class="card">{trends}</div></div>'
    )
