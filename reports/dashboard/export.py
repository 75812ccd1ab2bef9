"""A static, self-contained snapshot of the landing page (``ecoute dashboard --export``).

One HTML file: the stylesheet and plotly.js inline, figures as data, no server and no network.
The same queries and figures as the live page, for the default range (the last complete weeks)
with no filter; customer-level rows only when ``customer_views`` is on.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from ecoute.core.settings import Settings
from ecoute.reports.dashboard import data as D
from ecoute.reports.dashboard import figures as F
from ecoute.reports.dashboard.app import (
    ASSETS,
    WORST_HEADERS,
    Config,
    _cell,
    breakdown_data,
    describe,
    landing_data,
    tile_facts,
)
from ecoute.reports.dashboard.first_view import tiles_html
from ecoute.reports.i18n import EN, Lang


def _tiles(cfg: Config, kpis: dict[str, Any], options: dict[str, Any], f: D.Filters) -> str:
    return tiles_html(tile_facts(cfg, kpis, options, f))


def _worst(rows: list[dict[str, Any]], L: Lang = EN) -> str:
    head = "".join(f"<th>{html.escape(L.t(f'dash.col_{k}'))}</th>" for k in WORST_HEADERS)
    body = "".join(
        "<tr>" + "".join(
            f"<td>{html.escape(_cell(r.get(k), L))}</td>"
            for k in WORST_HEADERS
        ) + "</tr>"
        for r in rows
    )  # fmt: skip
    return f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def snapshot(settings: Settings, reader: D.Reader | None = None,
             language: str | None = None) -> str:  # fmt: skip
    """The landing page as one self-contained HTML document, read from one state of the
    warehouse (waiting for a running load, as every command-line reader does)."""
    from ecoute.warehouse.connection import wait_limit_s

    reader = reader or D.Reader(settings)
    # one connection for every figure: a load committing midway cannot mix before and after
    with reader.session(wait_s=wait_limit_s(settings, read_only=True)):
        return _snapshot(settings, reader, language)


def _snapshot(settings: Settings, reader: D.Reader, language: str | None = None) -> str:
    import plotly.io as pio

    cfg = Config.from_settings(settings, language)
    L = cfg.L
    period = reader.fetch(("periods",), D.periods).value
    if not period["weeks"]:
        raise D.WarehouseBusy("the metric marts are empty: run `ecoute load` or `ecoute demo`")
    f = D.default_filters(period, cfg.weeks)
    got = landing_data(reader, cfg, f, "week").value
    parts = breakdown_data(reader, f, "service_level").value
    options = reader.fetch(("options",), D.options).value

    def compute(con: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"worst": [], "risk": None}
        if cfg.customer_views:
            out["worst"] = D.worst_customers(con, f, cfg.worst_top)
        if D.has_table(con, "marts", "rpt_customers__risk"):
            out["risk"] = D.risk(con, f, cfg.worst_top, customers=False, latest=True)
        return out

    people = reader.fetch(("export-people", f, cfg.customer_views), compute).value
    figures = [
        F.trends(got["series"], cfg.kpis, cfg.targets, "week", None, L),
        F.region_bars(parts["region"], "service_level", None, None, L),
        F.grouped_bars(parts["queue"], D.QUEUE_METRICS, L.t("dash.queue_title"), None,
                       L.t("dash.snapshot_weeks"), L),
        F.grouped_bars(parts["team"], D.TEAM_METRICS, L.t("dash.team_title"), None,
                       L.t("dash.snapshot_weeks"), L),
    ]  # fmt: skip
    if people["risk"] is not None:
        figures.append(F.risk_bands(people["risk"]["bands"], L))
    config = {"displaylogo": False, "responsive": True}
    divs = [
        pio.to_html(fig, full_html=False, include_plotlyjs=False, config=config, validate=False)
        for fig in figures
    ]
    css = (ASSETS / "style.css").read_text(encoding="utf-8")
    # the live page's plotly.js, the basic bundle (1.2 MB, not plotly's full 4.8 MB): scatter
    # and bar are all the snapshot draws
    plotly_js = (ASSETS / "plotly-basic.min.js").read_text(encoding="utf-8")
    week = got["kpis"]["week"]
    worst_html = ""
    if cfg.customer_views:
        worst_html = (
            f'<div class="card"><h2>{html.escape(L.t("dash.worst_title"))}</h2>'
            f'<p class="muted">{html.escape(L.t("dash.worst_note"))}</p>'
            f"{_worst(people['worst'], L)}</div>"
        )
    risk_html = f'<div class="card">{divs[4]}</div>' if len(divs) > 4 else ""
    caption = html.escape(describe(f, L))
    status = html.escape(L.t(
        "dash.snapshot_status", start=L.short_date(week),
        end=L.short_date(week + dt.timedelta(days=6)), horizon=L.when(period["horizon_local"])))
    return f"""<!doctype html>
<html lang="{L.code}"><head><meta charset="utf-8">
<title>Écoute · {caption}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style>
<script type="text/javascript">{plotly_js}</script></head>
<body><div class="page">
<header><div><span class="brand">Écoute</span><span class="tagline"> {html.escape(L.t("dash.tagline"))}
</span></div><div class="caption">{caption} · {html.escape(L.t("dash.snapshot"))}</div></header>
<p class="status">{status} <code>ecoute dashboard --export</code></p>
<div class="kpis">{_tiles(cfg, got["kpis"], options, f)}</div>
<div class="card">{divs[0]}</div>
<div class="grid3"><div class="card">{divs[1]}</div><div class="card">{divs[2]}</div>
<div class="card">{divs[3]}</div></div>
{worst_html}{risk_html}
</div></body></html>
"""


def export(settings: Settings, path: Path, language: str | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(snapshot(settings, language=language), encoding="utf-8")
    tmp.replace(path)
    return path
