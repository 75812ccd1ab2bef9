"""The report's charts as static SVG, drawn from data the report already read (nothing is
queried here).

Why SVG and not plotly: the report is read, printed and mailed, not explored. Inlining
plotly.js made every file 5 MB and needed a script to draw before printing; an inline SVG is a
few kilobytes, prints as vector text, and scales to the page (a ``viewBox`` at 100 % width),
so a phone at 390 px shows the whole chart. Titles are HTML above each chart, never inside
the plot, so a target line or its label cannot cross them. Axes are written with their unit
(%, h, calls) and ticks at round values (1, 2, 2.5 or 5 × 10ⁿ).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from ecoute.reports.i18n import EN, Lang

NAVY = "#1f3a5f"
GREY = "#8a94a6"
GREEN = "#2e7d32"
RED = "#c62828"
LIGHT = "#9fb3c8"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def charts_for(report: Any) -> dict[str, str]:
    """section key → HTML of its charts."""
    ctx, L = report.context, report.L
    out = {"headline": _multiples(ctx, L), "contact_centre": _calls(ctx, L)}
    out["repairs"] = _backlog(ctx, L)
    comm = next(s for s in ctx["sections"] if s["key"] == "communication")
    intents = comm["data"].get("communication_intents") or []
    if any(r["messages"] for r in intents):
        out["communication"] = _intents(intents, L)
    return out


# ---------------------------------------------------------------- scales


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 × 10ⁿ, about `count`."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high - 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    ticks.append(round(value, 10))
    return ticks


def _tick_text(value: float, L: Lang, suffix: str = "") -> str:
    decimals = (
        0 if float(value).is_integer() else (1 if abs(value * 10 - round(value * 10)) < 1e-9 else 2)
    )
    return L.num(value, decimals) + suffix


def _scale(low: float, high: float, top: float, bottom: float):  # noqa: ANN202
    span = (high - low) or 1.0
    return lambda v: bottom - (v - low) / span * (bottom - top)


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet" '
        f'font-family="{FONT}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, size: int = 10, anchor: str = "start",
          colour: str = "#555", cls: str = "") -> str:  # fmt: skip
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}" '
        f'text-anchor="{anchor}"{klass}>{escape(text)}</text>'
    )


def _axis(ticks: Sequence[float], y_of: Any, left: float, right: float, L: Lang, suffix: str,
          side: str = "left", grid: bool = True) -> list[str]:  # fmt: skip
    out = []
    for tick in ticks:
        y = y_of(tick)
        if grid:
            out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        x, anchor = (left - 4, "end") if side == "left" else (right + 4, "start")
        out.append(_text(x, y + 3, _tick_text(tick, L, suffix), 9, anchor, "#666", f"tick-{side}"))
    return out


def _figure(chart_id: str, title: str, svg: str, note: str = "") -> str:
    extra = f'<div class="chart-note">{escape(note)}</div>' if note else ""
    return (
        f'<figure class="chart" id="{chart_id}"><figcaption class="chart-title">'
        f"{escape(title)}</figcaption>{svg}{extra}</figure>"
    )


# ---------------------------------------------------------------- the charts


def _multiples(ctx: dict[str, Any], L: Lang = EN) -> str:
    """Small multiples: each headline metric over the trend weeks, with its target lines.
    A CSS grid lays them out, as many per row as the width holds (four on A4, one on a
    phone)."""
    from ecoute.reports.weekly import CATALOGUE

    cards = next(s for s in ctx["sections"] if s["key"] == "headline")["cards"]
    panels = []
    for c in cards:
        metric = c["metric"]
        unit = CATALOGUE[metric].unit
        scale = 100.0 if unit == "percent" else 1.0
        suffix = {"percent": " %", "hours": " h", "days": " d", "seconds": " s"}.get(unit, "")
        series = ctx["trend"].get(metric, [])
        values = [None if v is None else v * scale for _, v in series]
        levels = [
            (key, level * scale)
            for key in ("green", "red")
            if (level := _target(ctx, metric, key)) is not None
        ]
        svg = line_panel([w[-3:] for w, _ in series], values, levels, L, suffix, c["label"])
        panels.append(
            f'<div class="multiple" data-metric="{escape(metric)}">'
            f'<div class="multiple-title">{escape(c["label"])}</div>{svg}</div>'
        )
    note = L.t("chart.multiples_note", weeks=len(ctx["trend_weeks"]))
    return (
        '<div class="chart multiples" id="chart-headline">' + "".join(panels) + "</div>"
        f'<p class="note">{escape(note)}</p>'
    )


def line_panel(x: list[str], y: list[float | None], levels: list[tuple[str, float]],
                L: Lang, suffix: str, label: str, *, y_range: tuple[float, float] | None = None,
                line: str = NAVY, level_colour: str | None = None) -> str:  # fmt: skip
    """One small multiple. `y_range`, `line` and `level_colour` are for the dashboard's static
    first view, drawn with its live figure's axis range and colours (reports/dashboard)."""
    width, height = 220, 130
    left, right, top, bottom = 40, width - 26, 8, height - 18
    known = [v for v in y if v is not None] + [lv for _, lv in levels]
    low, high = 0.0, max(known) if known else 1.0
    top_value = high * 1.05 if high else 1.0
    if suffix == " %" and high <= 100:
        top_value = min(top_value, 100.0)  # a share never needs an axis past 100 %
    ticks = nice_ticks(low, top_value, 3)
    if y_range is not None:
        ticks = nice_ticks(y_range[0], y_range[1], 3)
    y_of = _scale(ticks[0], ticks[-1], top, bottom)
    step = (right - left) / max(len(x) - 1, 1)
    body = _axis(ticks, y_of, left, right, L, suffix)
    body.append(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#ccc"/>')
    for i, week in enumerate(x):
        if i % 2 == (len(x) - 1) % 2:  # every other week, ending on the reported one
            body.append(_text(left + i * step, height - 5, week, 9, "middle", "#666"))
    for key, level in levels:
        colour = GREEN if key == "green" else RED
        colour = level_colour or colour
        yl = y_of(level)
        body.append(
            f'<line class="target-line" x1="{left}" x2="{right}" y1="{yl:.1f}" y2="{yl:.1f}" '
            f'stroke="{colour}" stroke-width="1" stroke-dasharray="3 3"/>'
        )
    path, points = [], []
    for i, v in enumerate(y):
        if v is None:
            path.append("")
            continue
        xi, yi = left + i * step, y_of(v)
        path.append(f"{xi:.1f},{yi:.1f}")
        points.append(f'<circle cx="{xi:.1f}" cy="{yi:.1f}" r="2.2" fill="{line}"/>')
    for run in " ".join(p or "|" for p in path).split("|"):
        if run.strip():
            body.append(
                f'<polyline points="{run.strip()}" fill="none" stroke="{line}" stroke-width="2"/>'
            )
    body += points
    return _svg(width, height, body, label)


def _target(ctx: dict[str, Any], metric: str, key: str) -> float | None:
    value = ctx.get("_targets_raw", {}).get(metric, {}).get(key)
    return None if value is None else float(value)


def _calls(ctx: dict[str, Any], L: Lang = EN) -> str:
    """Inbound calls per week (bars, left axis) and the share abandoned (line, right axis).
    Both axes have the same number of intervals at round values, so their grid lines agree."""
    calls = ctx["trend"].get("inbound_calls", [])
    abandon = ctx["trend"].get("abandon_rate", [])
    width, height = 520, 220
    left, right, top, bottom = 52, width - 48, 22, height - 22
    counts = [v or 0 for _, v in calls]
    rates = [None if v is None else v * 100 for _, v in abandon]
    ticks = nice_ticks(0, max(counts or [1]) or 1, 4)
    y_of = _scale(0, ticks[-1], top, bottom)
    intervals = len(ticks) - 1
    top_rate = max([r for r in rates if r is not None] or [1.0]) or 1.0
    rate_ticks = _aligned(top_rate, intervals)
    r_of = _scale(0, rate_ticks[-1], top, bottom)
    body = _axis(ticks, y_of, left, right, L, "")
    body += _axis(rate_ticks, r_of, left, right, L, " %", side="right", grid=False)
    body.append(_text(2, top - 10, L.t("chart.calls_axis"), 9, "start", "#666"))
    body.append(_text(width - 2, top - 10, L.t("chart.abandon_axis"), 9, "end", RED))
    n = max(len(calls), 1)
    slot = (right - left) / n
    for i, ((week, _), count) in enumerate(zip(calls, counts, strict=True)):
        x, y = left + i * slot + slot * 0.15, y_of(count)
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bottom - y:.1f}" fill="{LIGHT}"/>'
        )
        body.append(_text(left + (i + 0.5) * slot, height - 6, week[-3:], 9, "middle", "#666"))
    points = [
        f"{left + (i + 0.5) * slot:.1f},{r_of(r):.1f}" for i, r in enumerate(rates) if r is not None
    ]
    if points:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{RED}" stroke-width="2"/>'
        )
    title = L.t("chart.calls_title")
    return _figure("chart-calls", title, _svg(width, height, body, title))


def _aligned(high: float, intervals: int) -> list[float]:
    """`intervals` + 1 round ticks from 0 covering `high` (a right axis sharing the grid)."""
    raw = high / intervals
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    return [round(step * i, 10) for i in range(intervals + 1)]


def _backlog(ctx: dict[str, Any], L: Lang = EN) -> str:
    """Open fault tickets at the week's end, by age."""
    ages = ("age_le_2d", "age_3_7d", "age_8_14d", "age_gt_14d")
    colours = (GREY, "#6b7fa0", "#c77c2c", RED)
    metrics = ctx["metrics"]
    y = [(metrics.get(f"open_fault_backlog.{k}") or {}).get("value") or 0 for k in ages]
    width, height = 520, 190
    left, right, top, bottom = 52, width - 12, 18, height - 22
    ticks = nice_ticks(0, max(y) or 1, 4)
    y_of = _scale(0, ticks[-1], top, bottom)
    body = _axis(ticks, y_of, left, right, L, "")
    body.append(_text(2, top - 8, L.t("chart.tickets_axis"), 9, "start", "#666"))
    slot = (right - left) / len(ages)
    for i, (key, value, colour) in enumerate(zip(ages, y, colours, strict=True)):
        x, yv = left + i * slot + slot * 0.2, y_of(value)
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{yv:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{bottom - yv:.1f}" fill="{colour}"/>'
        )
        body.append(_text(left + (i + 0.5) * slot, yv - 3, L.num(value), 10, "middle", "#333"))
        body.append(_text(left + (i + 0.5) * slot, height - 6, L.t(f"age.{key}"), 10, "middle"))
    title = L.t("chart.backlog_title")
    return _figure("chart-backlog", title, _svg(width, height, body, title))


def _intents(intents: list[dict[str, Any]], L: Lang = EN) -> str:
    """Share of written complaints carrying each intent, this week and last week."""
    rows = sorted(intents, key=lambda r: r["share"] or 0, reverse=True)
    width, row_h = 520, 26
    left, right, top = 150, width - 44, 22
    height = top + row_h * len(rows) + 22
    high = max([(r["share"] or 0) * 100 for r in rows] + [(r["previous_share"] or 0) * 100
                                                          for r in rows] + [1])  # fmt: skip
    ticks = nice_ticks(0, high, 4)
    x_of = lambda v: left + v / ticks[-1] * (right - left)  # noqa: E731
    body = []
    for tick in ticks:
        x = x_of(tick)
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 20}" stroke="#eee"/>'
        )
        body.append(_text(x, height - 6, _tick_text(tick, L, " %"), 9, "middle", "#666"))
    body.append(_text(left, 10, L.t("chart.this_week"), 9, "start", NAVY))
    body.append(_text(left + 90, 10, L.t("chart.last_week"), 9, "start", GREY))
    for i, r in enumerate(rows):
        y = top + i * row_h
        name = L.opt(f"intent.{r['intent']}", str(r["intent"]).replace("_", " "))
        body.append(_text(left - 6, y + 15, name, 10, "end", "#333"))
        now, before = (r["share"] or 0) * 100, (r["previous_share"] or 0) * 100
        body.append(f'<rect class="bar" x="{left}" y="{y + 3:.1f}" width="{x_of(now) - left:.1f}" '
                    f'height="10" fill="{NAVY}"/>')  # fmt: skip
        body.append(f'<rect class="bar" x="{left}" y="{y + 13:.1f}" '
                    f'width="{x_of(before) - left:.1f}" height="7" fill="#c9d3df"/>')  # fmt: skip
        body.append(_text(x_of(now) + 3, y + 12, L.pct(r["share"] or 0), 9, "start", "#333"))
    title = L.t("chart.intents_title")
    return _figure("chart-intents", title, _svg(width, height, body, title))
