"""The executive dashboard: one landing page and a customer journey view, as a Dash app.

Every number comes from the metric marts (numerators and denominators summed over the chosen
weeks and slice); see :mod:`reports.dashboard.data` for how the warehouse is read while loads
run. Layout and callbacks live here; figures in :mod:`reports.dashboard.figures`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ecoute.core.settings import Settings
from ecoute.reports.dashboard import data as D
from ecoute.reports.dashboard import figures as F
from ecoute.reports.dashboard import first_view as FV
from ecoute.reports.dashboard.access import Access
from ecoute.reports.i18n import EN, Lang, words_for
from ecoute.reports.metrics import CATALOGUE, targets_of

ASSETS = Path(__file__).with_name("assets")
TITLE = "Écoute · customer service, as customers live it"


@dataclass
class Config:
    """The ``[dashboard]`` section, typed."""

    customer_views: bool = True
    weeks: int = 12
    worst_top: int = 15
    targets: dict[str, float] = field(default_factory=dict)
    kpis: tuple[tuple[str, str, str, str | None], ...] = tuple(D.kpi(m) for m in D.DEFAULT_KPIS)
    url_prefix: str = "/"
    L: Lang = EN

    @classmethod
    def from_settings(cls, settings: Settings, language: str | None = None) -> Config:
        s = settings.section("dashboard")
        L = words_for(settings, language)
        wanted = s.get("kpis") or D.DEFAULT_KPIS
        unknown = [m for m in wanted if CATALOGUE.get(m) is None]
        if unknown:
            raise ValueError(f"[dashboard] kpis: {unknown} are not metrics of the catalogue")
        kpis = tuple((m, L.label(m), *D.kpi(m)[2:]) for m in wanted)
        prefix = "/" + str(s.get("url_prefix", "/")).strip("/")
        return cls(
            customer_views=bool(s.get("customer_views", True)),
            weeks=int(s.get("weeks", 12)),
            worst_top=int(s.get("worst_top", 15)),
            # one table with the report: [targets] (catalogue defaults); the line is `green`
            targets={m: t["green"] for m, t in targets_of(settings).items()},
            kpis=kpis,
            url_prefix=prefix if prefix == "/" else prefix + "/",
            L=L,
        )


# ---------------------------------------------------------------------------------------------
# Pure view functions: the callbacks below only unpack inputs and call these (the bench too).


def filters_from(period: dict[str, Any], start: str | None, end: str | None,
                 region: str | None, drill: dict[str, Any] | None) -> D.Filters:  # fmt: skip
    """Filters from the controls: dates snap to the Monday of their ISO week, clamped to the
    weeks the marts hold; the drill store carries the one slice dimension."""
    weeks = period["weeks"]
    first, last = weeks[0], period["last_complete"] or weeks[-1]

    def monday(text: str | None, default: dt.date) -> dt.date:
        if not text:
            return default
        day = dt.date.fromisoformat(str(text)[:10])
        return min(max(day - dt.timedelta(days=day.weekday()), first), weeks[-1])

    s, e = monday(start, first), monday(end, last)
    if s > e:
        s, e = e, s
    drill = drill or {}
    values = drill.get("values")
    return D.Filters(
        start=s,
        end=e,
        region=region or None,
        dimension=drill.get("dimension"),
        values=tuple(values) if values else None,
        team=drill.get("team"),
    )


def landing_data(reader: D.Reader, cfg: Config, f: D.Filters, grain: str) -> D.Fetched:
    metrics = tuple(k[0] for k in cfg.kpis)

    def compute(con: Any) -> dict[str, Any]:
        return {
            "kpis": D.kpis(con, f, reader.team_re, metrics),
            "series": D.settled_series(
                con, D.metric_series(con, f, metrics, reader.team_re, grain=grain), grain
            ),
        }

    return reader.fetch(("landing", f, grain, metrics), compute)


def breakdown_data(reader: D.Reader, f: D.Filters, rank_metric: str) -> D.Fetched:
    def compute(con: Any) -> dict[str, Any]:
        return {
            "region": D.by_region(con, f, rank_metric, reader.team_re),
            "queue": D.by_value(con, f, "queue", D.QUEUE_METRICS, reader.team_re),
            "team": D.by_value(con, f, "technician", D.TEAM_METRICS, reader.team_re),
        }

    return reader.fetch(("breakdowns", f, rank_metric), compute)


def worst_data(reader: D.Reader, cfg: Config, f: D.Filters) -> D.Fetched:
    return reader.fetch(
        ("worst", f, cfg.worst_top), lambda con: D.worst_customers(con, f, cfg.worst_top)
    )


def risk_data(reader: D.Reader, cfg: Config, f: D.Filters, latest: bool = False) -> D.Fetched:
    def compute(con: Any) -> dict[str, Any] | None:
        if not D.has_table(con, "marts", "rpt_customers__risk"):
            return None
        return D.risk(con, f, cfg.worst_top, cfg.customer_views, latest)

    return reader.fetch(("risk", f, cfg.customer_views, latest), compute)


def tile_facts(cfg: Config, kpis: dict[str, Any], options: dict[str, Any] | None,
               f: D.Filters) -> list[dict[str, str]]:  # fmt: skip
    """What each KPI tile says: value, week-on-week change (coloured by whether it is better
    or worse) and target status. Shared by the live page and the static export.

    The change is judged as it is shown: one that rounds to 0.0 is unchanged (■, neutral),
    never a red ▲ over a difference in the fourth decimal."""
    L = cfg.L
    recorded = (options or {}).get("metric_dimensions", {})
    out = []
    for metric, label, kind, better in cfg.kpis:
        cell = kpis["metrics"].get(metric, {})
        value, previous = cell.get("value"), cell.get("previous")
        not_sliced = f.has_slice and f.dimension not in recorded.get(metric, [f.dimension])
        delta, delta_class = "", "delta neutral"
        if not_sliced:
            delta = L.t("dash.not_recorded", what=L.t(f"dash.dim_{f.dimension}"))
        elif value is not None and previous is not None:
            if kind == "pct":
                diff = round((value - previous) * 100, 1)
                amount = L.t("unit.pt", value=L.num(abs(diff), 1))
            else:
                diff = round((value - previous) / previous * 100, 1) if previous else 0.0
                amount = f"{L.num(abs(diff), 1)} %"
            arrow = "▲" if diff > 0 else "▼" if diff < 0 else "■"
            delta = L.t("dash.vs_previous", arrow=arrow, amount=amount)
            if better and diff != 0:
                good = (diff > 0) == (better == "higher")
                delta_class = "delta good" if good else "delta bad"
        settled = cell.get("settled", True)
        if not settled:
            delta, delta_class = "", "delta neutral"
        target = cfg.targets.get(metric)
        pill, pill_class = L.t("dash.no_target"), "pill none"
        operator = CATALOGUE[metric].failure == "operator"  # a customer's miss is never red
        if (
            target is not None
            and value is not None
            and not not_sliced
            and better
            and settled
            and operator
        ):
            met = value >= target if better == "higher" else value <= target
            sign = "≥" if better == "higher" else "≤"
            word = L.t("dash.on_target" if met else "dash.off_target")
            pill = f"{word} ({sign} {F.fmt(target, kind, L)})"
            pill_class = "pill good" if met else "pill bad"
        out.append({
            "metric": metric, "label": label,
            "value": "—" if not_sliced else (
                F.fmt(value, kind, L) if settled else _not_settled(cell.get("settles_on"), L)
            ),
            "delta": delta, "delta_class": delta_class, "pill": pill, "pill_class": pill_class,
            "not_recorded": not_sliced,
        })  # fmt: skip
    return out


def _not_settled(on: Any, L: Lang) -> str:
    if isinstance(on, str):
        on = dt.date.fromisoformat(on[:10])
    if on is None:
        return L.t("not_settled", date="?")
    return L.t("not_settled", date=L.short_date(on))  # the page's one date format


def kpi_tiles(cfg: Config, kpis: dict[str, Any], options: dict[str, Any], f: D.Filters,
              facts: list[dict[str, str]] | None = None) -> Any:  # fmt: skip
    from dash import html

    return [
        html.Div(
            [
                html.Div(t["label"], className="kpi-label"),
                html.Div(t["value"], className="kpi-value", id=f"kpi-value-{t['metric']}"),
                html.Div(t["delta"], className=t["delta_class"]),
                html.Span(t["pill"], className=t["pill_class"]),
            ],
            className="kpi",
            id=f"kpi-{t['metric']}",
        )
        for t in (facts if facts is not None else tile_facts(cfg, kpis, options, f))
    ]


WORST_HEADERS = (  # column → its heading, dash.col_<column> in the message tables
    "customer_id", "region", "segment", "score", "bad_weeks", "missed_visits",
    "dropped_without_callback", "days_without_service", "repeat_contacts",
)  # fmt: skip


def worst_table(app: Any, rows: list[dict[str, Any]], link: bool = True, L: Lang = EN) -> Any:
    from dash import dcc, html

    if not rows:
        return html.P(L.t("dash.no_bad_week"), className="muted")
    head = html.Thead(html.Tr([html.Th(L.t(f"dash.col_{key}")) for key in WORST_HEADERS]))
    body = []
    for r in rows:
        cells = []
        for key in WORST_HEADERS:
            value = r.get(key)
            if key == "customer_id" and link:
                href = app.get_relative_path(f"/customer/{quote(str(value), safe='')}")
                cells.append(html.Td(dcc.Link(str(value), href=href, className="cust-link")))
            else:
                cells.append(html.Td(_cell(value, L)))
        body.append(html.Tr(cells))
    return html.Table([head, html.Tbody(body)], className="table", id="worst-table")


def _cell(value: Any, L: Lang) -> str:
    """A table cell: numbers the locale's way, text as written."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return L.num(value, 0 if float(value).is_integer() else 2)


def risk_section(app: Any, risk: dict[str, Any] | None, customer_views: bool,
                 L: Lang = EN) -> Any:  # fmt: skip
    from dash import dcc, html

    if risk is None:
        return []
    children: list[Any] = [
        html.H2(L.t("section.risk")),
        dcc.Graph(figure=F.risk_bands(risk["bands"], L), config={"displaylogo": False}),
    ]
    if customer_views and risk["customers"]:
        head = html.Thead(html.Tr([html.Th(L.t(f"dash.col_{h}")) for h in
                                   ("customer_id", "region", "segment", "score", "band",
                                    "reasons")]))  # fmt: skip
        body = [
            html.Tr([
                html.Td(dcc.Link(str(r["customer_id"]), className="cust-link",
                                 href=app.get_relative_path(
                                     f"/customer/{quote(str(r['customer_id']), safe='')}"))),
                html.Td(str(r["region"] or "—")), html.Td(str(r["segment"] or "—")),
                html.Td(L.num(r["score"], 2) if r["score"] is not None else "—"),
                html.Td(L.opt(f"band.{r['band']}", str(r["band"]))),
                html.Td("; ".join(L.reasons(r["reasons"]))),
            ])
            for r in risk["customers"]
        ]  # fmt: skip
        children.append(html.Table([head, html.Tbody(body)], className="table", id="risk-table"))
    return html.Div(children, className="card")


def journey_view(app: Any, reader: D.Reader, cfg: Config, customer_id: str) -> Any:
    from dash import dcc, html

    L = cfg.L
    back = dcc.Link(L.t("dash.back"), href=app.get_relative_path("/"), className="back")
    if not cfg.customer_views:
        return [back, html.P(L.t("dash.views_off"), className="notice", id="journey-off")]
    try:
        fetched = reader.fetch(("journey", customer_id), lambda con: D.journey(con, customer_id))
    except D.WarehouseBusy as exc:
        return [back, html.P(str(exc), className="notice")]
    journey = fetched.value
    if not journey["events"]:
        return [back, html.P(L.t("dash.no_events", customer=customer_id), className="notice")]
    s = journey["summary"]
    went_wrong = ", ".join(f"{L.flag(k)} ×{n}" for k, n in s["by_flag"].items())
    rows = [
        html.Tr([
            html.Td(e["local_at"]), html.Td(L.opt(f"event.{e['kind']}", e["kind"])),
            html.Td(e["id"]), html.Td(L.detail(e["kind"], e.get("facts"))),
            html.Td(", ".join(L.flag(f) for f in e["flags"]) +
                    (" · " + L.n("journeys.days_without_service", e["days_without_service"])
                     if e.get("days_without_service") else ""),
                    className="flags" if e["flags"] else ""),
        ])
        for e in journey["events"]
    ]  # fmt: skip
    return [
        back,
        html.H1(L.t("journeys.customer", customer=customer_id), id="journey-title"),
        html.P(
            L.t(
                "dash.journey_summary",
                events=L.num(s["events"]),
                days=L.num(
                    s["days_without_service"],
                    0 if float(s["days_without_service"]).is_integer() else 1,
                ),
                wrong=went_wrong or L.t("dash.nothing_flagged"),
            ),
            className="muted",
        ),  # fmt: skip
        html.Div(
            dcc.Graph(
                id="journey-graph",
                figure=F.journey_timeline(journey, L=L),
                config={"displaylogo": False},
            ),
            className="card",
        ),  # fmt: skip
        html.Div(
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(L.t(f"dash.col_{h}"))
                                for h in ("when", "kind", "id", "detail", "went_wrong")
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table",
                id="journey-table",
            ),
            className="card",
        ),  # fmt: skip
    ]


# ---------------------------------------------------------------------------------------------


_WARM_EVENT = {"local_at": "2026-01-05 09:00", "kind": "call", "id": "", "flags": [], "detail": ""}


def create_app(settings: Settings, reader: D.Reader | None = None, warm_up: bool = True,
               language: str | None = None) -> Any:  # fmt: skip
    """The Dash app over the settings' warehouse (never opened for writing), in `language`
    (``--lang``; else ``[report] language``). Paths that are not a page get a 404.

    `warm_up` renders the default view once, so the first visitor gets cached results and the
    process has paid its one-time import costs (plotly subplots, DuckDB's list binding)."""
    import dash
    from dash import Input, Output, State, ctx, dcc, html

    cfg = Config.from_settings(settings, language)
    reader = reader or D.Reader(
        settings,
        retries=int(settings.section("dashboard").get("busy_retries", 5)),
        retry_wait_s=float(settings.section("dashboard").get("busy_wait_ms", 100)) / 1000,
    )
    # Started while a nightly load runs, wait for it (saying so) rather than die: there is no
    # earlier result to show yet. Later refreshes never wait long (see data.Reader.fetch).
    from ecoute.warehouse.connection import wait_limit_s

    start_wait = wait_limit_s(settings, read_only=True)
    period = reader.fetch(("periods",), D.periods, wait_s=start_wait).value
    options = reader.fetch(("options",), D.options, wait_s=start_wait).value
    if not period["weeks"]:
        raise D.WarehouseBusy("the metric marts are empty: run `ecoute load` or `ecoute demo`")
    app = dash.Dash(
        __name__,
        title="Écoute dashboard",
        assets_folder=str(ASSETS),
        url_base_pathname=cfg.url_prefix,
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    Access.from_settings(settings.section("dashboard")).install(app.server)
    _only_known_paths(app, cfg)
    app.server.config["ECOUTE_READER"] = reader

    latest = {"period": period, "options": options}

    def current_weeks() -> tuple[dict[str, Any], dict[str, Any]]:
        """Weeks and filter values as of the warehouse's current version (cached per version);
        while a load holds the file, the last ones read."""
        try:
            latest["period"] = reader.fetch(("periods",), D.periods).value
            latest["options"] = reader.fetch(("options",), D.options).value
        except D.WarehouseBusy:
            pass
        return latest["period"], latest["options"]

    built: dict[str, Any] = {}

    def page() -> Any:
        """The page as of the warehouse's current version: a long-running dashboard shows the
        week a nightly load added. Built once per version (70 ms of the 120 ms `/_dash-layout`
        took on the loaded machine), then served as built."""
        version = reader.version()
        if built.get("version") != version:
            built["page"], built["version"] = build_page(), version
        return built["page"]

    def build_page() -> Any:
        period, options = current_weeks()
        # The default view is in the page itself (read once per warehouse version, then from
        # the cache): the first paint needs no callback round trip, which cost most of the
        # landing time. The callbacks below only answer the visitor's changes.
        first, last = default_dates(period, cfg)
        tiles, trend, status, caption, by_region, by_queue, by_team, worst, risk = default_view(
            app, reader, cfg, period, options
        )
        chips, clear_style = drill_chips({}, None, cfg.L)

        L = cfg.L

        def dropdown(field: str, label: str, placeholder: str) -> Any:
            """A clearable filter over the values the warehouse holds for ``field``."""
            values = options["values"].get(field, [])
            return html.Div(
                [
                    html.Label(label),
                    dcc.Dropdown(
                        id=field,
                        options=[{"label": v, "value": v} for v in values],
                        placeholder=placeholder,
                        clearable=True,
                    ),
                ],
                className="control",
            )

        controls = html.Div(
            [
                html.Div(
                    [
                        html.Label(L.t("dash.weeks")),
                        # the end shown is the last day of the last week (its Sunday): the
                        # day the header's "data up to" names, never the week's Monday
                        dcc.DatePickerRange(
                            id="dates",
                            start_date=first,
                            end_date=last,
                            min_date_allowed=period["weeks"][0].isoformat(),
                            # the data's end, the day the status line's "data up to" names
                            max_date_allowed=last_day(period).isoformat(),
                            display_format=DATE_PICKER_FORMAT,
                            month_format="MMMM YYYY",
                            first_day_of_week=1,
                            minimum_nights=0,
                        ),
                    ],
                    className="control dates",
                ),  # fmt: skip
                dropdown("region", L.t("dash.region"), L.t("scope.all_regions")),
                dropdown("segment", L.t("dash.segment"), L.t("dash.all_segments")),
                dropdown("category", L.t("dash.category"), L.t("dash.all_categories")),
                html.Div(
                    [
                        html.Label(L.t("dash.trend")),
                        dcc.RadioItems(
                            id="grain",
                            options=[
                                {"label": L.t("dash.weekly"), "value": "week"},
                                {"label": L.t("dash.daily"), "value": "day"},
                            ],
                            value="week",
                            inline=True,
                        ),
                    ],
                    className="control small",
                ),  # fmt: skip
            ],
            className="controls",
        )
        landing = html.Div(
            [
                controls,
                html.Div(
                    [
                        html.Div(chips, id="drill-bar"),
                        html.Button(
                            L.t("dash.clear"),
                            id="clear-drill",
                            className="clear",
                            style=clear_style,
                        ),
                    ],
                    className="drill-bar",
                ),  # fmt: skip
                html.Div(status, id="status", className="status"),
                html.Div(tiles, id="kpis", className="kpis"),
                html.Div(
                    dcc.Graph(id="trends", figure=trend, config={"displaylogo": False}),
                    className="card",
                ),  # fmt: skip
                html.Div(
                    [
                        html.Div(
                            [
                                dcc.Dropdown(
                                    id="rank-metric",
                                    value="service_level",
                                    clearable=False,
                                    options=[{"label": L.label(m), "value": m} for m in D.RANKABLE],
                                ),
                                dcc.Graph(
                                    id="by-region", figure=by_region, config={"displaylogo": False}
                                ),  # fmt: skip
                            ],
                            className="card",
                        ),  # fmt: skip
                        html.Div(
                            dcc.Graph(
                                id="by-queue", figure=by_queue, config={"displaylogo": False}
                            ),
                            className="card",
                        ),  # fmt: skip
                        html.Div(
                            dcc.Graph(id="by-team", figure=by_team, config={"displaylogo": False}),
                            className="card",
                        ),  # fmt: skip
                    ],
                    className="grid3",
                ),
                html.Div(
                    [
                        html.H2(L.t("dash.worst_title")),
                        html.P(L.t("dash.worst_note"), className="muted"),
                        html.Div(worst, id="worst"),
                    ],
                    className="card",
                    id="worst-card",
                    style={} if cfg.customer_views else {"display": "none"},
                ),  # fmt: skip
                html.Div(risk, id="risk"),
            ],
            id="landing",
        )
        return html.Div(
            [
                dcc.Location(id="url"),
                dcc.Store(id="drill", data={}),
                html.Header(
                    [
                        html.Div(
                            [
                                html.Span("Écoute", className="brand"),
                                html.Span(" " + L.t("dash.tagline"), className="tagline"),
                            ]
                        ),
                        html.Div(caption, id="caption", className="caption"),
                    ],
                ),  # fmt: skip
                landing,
                html.Div(id="journey-page", style={"display": "none"}),
            ],
            className="page",
        )

    app.layout = page
    _first_paint(app, reader, cfg, current_weeks)

    @app.callback(
        Output("region", "value"),
        Output("segment", "value"),
        Output("category", "value"),
        Output("drill", "data"),
        Output("by-region", "clickData"),
        Output("by-queue", "clickData"),
        Output("by-team", "clickData"),
        Input("region", "value"),
        Input("segment", "value"),
        Input("category", "value"),
        Input("by-region", "clickData"),
        Input("by-queue", "clickData"),
        Input("by-team", "clickData"),
        Input("clear-drill", "n_clicks"),
        State("drill", "data"),
        prevent_initial_call=True,
    )
    def drill(region, segment, category, region_click, queue_click, team_click, _clear, current):  # noqa: ANN001, ANN202
        return drill_step(
            ctx.triggered_id, region, segment, category, region_click, queue_click, team_click,
            current or {},
        )  # fmt: skip

    @app.callback(
        Output("drill-bar", "children"),
        Output("clear-drill", "style"),
        Input("drill", "data"),
        Input("region", "value"),
        prevent_initial_call=True,  # the page carries the unfiltered hint
    )
    def drill_bar(current, region):  # noqa: ANN001, ANN202
        return drill_chips(current or {}, region, cfg.L)

    @app.callback(
        Output("kpis", "children"),
        Output("trends", "figure"),
        Output("status", "children"),
        Output("caption", "children"),
        Input("dates", "start_date"),
        Input("dates", "end_date"),
        Input("region", "value"),
        Input("drill", "data"),
        Input("grain", "value"),
        prevent_initial_call=True,
    )
    def update_kpis(start, end, region, current, grain):  # noqa: ANN001, ANN202
        period, options = current_weeks()
        return view_kpis(reader, cfg, period, options, start, end, region, current, grain)

    @app.callback(
        Output("by-region", "figure"),
        Output("by-queue", "figure"),
        Output("by-team", "figure"),
        Input("dates", "start_date"),
        Input("dates", "end_date"),
        Input("region", "value"),
        Input("drill", "data"),
        Input("rank-metric", "value"),
        prevent_initial_call=True,
    )
    def update_breakdowns(start, end, region, current, rank_metric):  # noqa: ANN001, ANN202
        period, options = current_weeks()
        return view_breakdowns(reader, period, start, end, region, current, rank_metric, options,
                               cfg.L)  # fmt: skip

    people_inputs = (
        Input("dates", "start_date"),
        Input("dates", "end_date"),
        Input("region", "value"),
        Input("drill", "data"),
    )

    @app.callback(Output("worst", "children"), *people_inputs, prevent_initial_call=True)
    def update_worst(start, end, region, current):  # noqa: ANN001, ANN202
        return view_worst(app, reader, cfg, current_weeks()[0], start, end, region, current)

    @app.callback(Output("risk", "children"), *people_inputs, prevent_initial_call=True)
    def update_risk(start, end, region, current):  # noqa: ANN001, ANN202
        return view_risk(app, reader, cfg, current_weeks()[0], start, end, region, current)

    @app.callback(
        Output("landing", "style"),
        Output("journey-page", "style"),
        Output("journey-page", "children"),
        Input("url", "pathname"),
    )
    def route(pathname):  # noqa: ANN001, ANN202
        path = "/" + app.strip_relative_path(pathname or "/") if pathname else "/"
        if path.startswith("/customer/"):
            customer_id = unquote(path.removeprefix("/customer/"))
            return {"display": "none"}, {}, journey_view(app, reader, cfg, customer_id)
        return {}, {"display": "none"}, []

    if warm_up:
        # The first plotly-express timeline and the first journey query of a process pay
        # one-time imports and function set-up (over a second on a busy machine); pay them here.
        if cfg.customer_views:
            with contextlib.suppress(D.WarehouseBusy):  # a load started meanwhile: warm later
                reader.fetch(("journey-warm-up",), lambda con: D.journey(con, ""))
            F.journey_timeline({"customer_id": "", "events": [_WARM_EVENT]})
        default_view(app, reader, cfg, period, options)
    return app


def last_day(period: dict[str, Any]) -> dt.date:
    """The last day holding data: the horizon's day, within the last week the marts hold."""
    horizon = period.get("horizon_local")
    end = period["weeks"][-1] + dt.timedelta(days=6)
    return min(end, horizon.date()) if horizon is not None else end


def default_dates(period: dict[str, Any], cfg: Config) -> tuple[str, str]:
    """The date picker's first values: the Monday of the first of the last ``cfg.weeks``
    complete weeks and the Sunday of the last (the day the caption ends on)."""
    f = D.default_filters(period, cfg.weeks)
    return f.start.isoformat(), (f.end + dt.timedelta(days=6)).isoformat()


def default_view(app: Any, reader: D.Reader, cfg: Config, period: dict[str, Any],
                 options: dict[str, Any]) -> tuple:  # fmt: skip
    """The first view, computed from the picker's first values exactly as the callbacks would
    compute it from them: (tiles, trends, status, caption, three breakdowns, worst, risk).
    (It once read "no dates" as every week: the caption and the trends said 16 weeks while
    the picker showed 12.)"""
    start, end = default_dates(period, cfg)
    kpis = view_kpis(reader, cfg, period, options, start, end, None, {}, "week")
    breakdowns = view_breakdowns(reader, period, start, end, None, {}, "service_level", options,
                                 cfg.L)  # fmt: skip
    return (*kpis, *breakdowns, *view_people(app, reader, cfg, period, start, end, None, {}))


def _first_paint(app: Any, reader: D.Reader, cfg: Config, current_weeks: Any) -> None:
    """The landing page's HTML carries the whole first view: header, controls, status, KPI
    tiles and the trends as inline SVG (:mod:`reports.dashboard.first_view`).

    Dash draws nothing before its scripts (1.2 MB) and plotly.js (1.2 MB) are parsed and run:
    2.6 s on the default demo here, longer for the smallest Dash page that draws a graph. The
    first view is what a manager opens the page for, so the server sends it drawn; the live
    page is laid out invisibly in the same boxes and takes its place once its trends are
    drawn (style.css). Built once per warehouse version, like the layout. (Preloading
    plotly.js, 4.8 MB, was tried: its compiling delayed the live page by 2 to 3 s and drew the
    graphs no sooner.) docs/dashboard.md, "Landing time"."""
    plain = app.interpolate_index
    built: dict[str, Any] = {}

    def first_view() -> str:
        version = reader.version()
        if built.get("version") != version:
            period, options = current_weeks()
            view, stale = first_paint_html(reader, cfg, period, options)
            if stale:  # a load holds the file: the last figures, but not for this version
                return view
            built["html"], built["version"] = view, version
        return built["html"]

    def interpolate_index(**parts: Any) -> str:
        from flask import request

        if request.path == cfg.url_prefix:
            with contextlib.suppress(D.WarehouseBusy):
                parts["app_entry"] = first_view() + parts["app_entry"]
                parts.update(_after_first_paint(app, parts))
        return plain(**parts)

    app.interpolate_index = interpolate_index


def _after_first_paint(app: Any, parts: dict[str, Any]) -> dict[str, str]:
    """Dash's scripts deferred and its renderer started once they have run: the browser paints
    the first view before compiling 2.4 MB of script (run in place, they held the first paint
    back by 1 to 3 s on the loaded machine). Deferred scripts keep their order and run before
    DOMContentLoaded, the renderer's one line then, as Dash would have run it at the end.
    Nothing is changed unless that line is found (deferred scripts with the renderer run in
    place would start it before its scripts)."""
    if not app.renderer or app.renderer not in parts["renderer"]:
        return {}
    return {
        "scripts": parts["scripts"].replace("<script src=", "<script defer src="),
        "renderer": parts["renderer"].replace(
            app.renderer,
            f'document.addEventListener("DOMContentLoaded", function () {{ {app.renderer} }});',
        ),
    }


def first_paint_html(reader: D.Reader, cfg: Config, period: dict[str, Any],
                     options: dict[str, Any]) -> tuple[str, bool]:  # fmt: skip
    """The default view (the picker's first values, no filter, weekly) as static HTML, and
    whether its figures are stale. Every text is escaped (see first_view)."""
    L = cfg.L
    f = D.default_filters(period, cfg.weeks)
    view = landing_view(reader, cfg, period, options, f, "week")
    first, last = default_dates(period, cfg)
    labels = {key: L.t(f"dash.{key}") for key in ("weeks", "region", "segment", "category",
                                                   "trend", "weekly", "daily", "all_segments",
                                                   "all_categories")}  # fmt: skip
    labels["all_regions"] = L.t("scope.all_regions")
    dates = (L.short_date(dt.date.fromisoformat(first)), L.short_date(dt.date.fromisoformat(last)))
    status = view["status"] + (" " + view["stale"] if view["stale"] else "")
    html_view = FV.page_html(
        tagline=L.t("dash.tagline"),
        caption=view["caption"],
        controls=FV.controls_html(labels, dates),
        hint=L.t("dash.drill_hint"),
        status=status,
        tiles=FV.tiles_html(view["facts"]),
        trends=FV.trends_svg(view["figure"], cfg.kpis, L.t("dash.trends_week"), L),
    )
    return html_view, bool(view["stale"])


# Dash answers every path under its prefix with the page (a catch-all route for its client-side
# router): /anything showed an empty dashboard with status 200. Only these paths are pages.
_PAGES = re.compile(r"(customer/[^/]+)?")


def _only_known_paths(app: Any, cfg: Config) -> None:
    """A 404 for a path that is neither a page nor Dash's own (assets, callbacks, bundles)."""
    from flask import abort, request

    prefix = cfg.url_prefix

    @app.server.before_request
    def _not_found() -> None:
        path = request.path
        if not path.startswith(prefix):
            if path + "/" == prefix:
                return  # the prefix without its slash: Flask redirects
            abort(404)
        rest = path[len(prefix) :]
        if rest.startswith(("_dash-", "assets/", "_favicon.ico", "_reload-hash")):
            return
        if not _PAGES.fullmatch(rest):
            abort(404)


def serve(app: Any, host: str, port: int, threads: int = 8) -> None:
    """Serve the dashboard with waitress, a production WSGI server (Flask's own server is for
    development: single-process, unhardened, and it says so on every start)."""
    from waitress import serve as waitress_serve

    waitress_serve(app.server, host=host, port=port, threads=threads, ident="ecoute")


def drill_step(trigger: Any, region: str | None, segment: str | None, category: str | None,
               region_click: Any, queue_click: Any, team_click: Any,
               current: dict[str, Any]) -> tuple:  # fmt: skip
    """One step of the drill-down: the new (region, segment, category, drill store), clearing
    the clicks so the same bar can be clicked again. One slice dimension at a time."""
    drill = dict(current)

    def clicked(data: Any) -> str | None:
        try:
            return str(data["points"][0]["customdata"])
        except (TypeError, KeyError, IndexError):
            return None

    if trigger == "by-region":
        name = clicked(region_click)
        if name is not None:
            region = None if name == region else name
    elif trigger == "segment":
        drill = {"dimension": "segment", "values": [segment]} if segment else {}
        category = None
    elif trigger == "category":
        drill = {"dimension": "category", "values": [category]} if category else {}
        segment = None
    elif trigger == "by-queue":
        name = clicked(queue_click)
        if name is not None:
            same = drill.get("dimension") == "queue" and drill.get("values") == [name]
            drill = {} if same else {"dimension": "queue", "values": [name]}
            segment = category = None
    elif trigger == "by-team":
        name = clicked(team_click)
        if name is not None:
            same = drill.get("dimension") == "technician" and drill.get("team") == name
            drill = {} if same else {"dimension": "technician", "team": name}
            segment = category = None
    elif trigger == "clear-drill":
        drill, segment, category = {}, None, None
    return region, segment, category, drill, None, None, None


def drill_chips(current: dict[str, Any], region: str | None, L: Lang = EN) -> Any:
    from dash import html

    chips = []
    if region:
        chips.append(html.Span(f"{L.t('dash.region')}: {region}", className="chip"))
    if current.get("dimension"):
        what = L.t(f"dash.chip_{current['dimension']}")
        value = current.get("team") or ", ".join(current.get("values") or [])
        chips.append(html.Span(f"{what}: {value}", className="chip"))
    hint = L.t("dash.drill_hint")
    shown = [html.Span(hint if not chips else L.t("dash.filtered_by") + " ", className="muted"),
             *chips]  # fmt: skip
    return shown, {} if current.get("dimension") else {"display": "none"}


def view_kpis(reader: D.Reader, cfg: Config, period: dict[str, Any], options: dict[str, Any],
              start: str | None, end: str | None, region: str | None,
              drill: dict[str, Any] | None, grain: str | None) -> tuple:  # fmt: skip
    from dash import html

    L = cfg.L
    f = filters_from(period, start, end, region, drill)
    grain = grain if grain in ("week", "day") else "week"
    try:
        view = landing_view(reader, cfg, period, options, f, grain)
    except D.WarehouseBusy as exc:
        return ([], F.empty(L.t("dash.trend"), str(exc)), html.P(str(exc), className="notice"),
                describe(f, L))  # fmt: skip
    tiles = kpi_tiles(cfg, {}, options, f, view["facts"])
    status: list[Any] = [html.Span(view["status"])]
    if view["stale"]:
        status.append(html.Span(" " + view["stale"], className="stale"))
    return tiles, view["figure"], status, view["caption"]


def landing_view(reader: D.Reader, cfg: Config, period: dict[str, Any], options: dict[str, Any],
                 f: D.Filters, grain: str) -> dict[str, Any]:  # fmt: skip
    """What the tiles, the status line, the trends and the caption say for one filter state:
    the live callback renders it as components, the static first view as HTML and SVG (one
    source of the figures). Raises WarehouseBusy when nothing was ever read."""
    L = cfg.L
    fetched = landing_data(reader, cfg, f, grain)
    got = fetched.value
    facts = tile_facts(cfg, got["kpis"], options, f)
    week = got["kpis"]["week"]
    _, w, _ = week.isocalendar()
    _, pw, _ = got["kpis"]["previous_week"].isocalendar()
    unavailable = {t["metric"]: t["delta"] for t in facts if t["not_recorded"]}
    return {
        "facts": facts,
        "status": L.t("dash.status", week=w, start=L.short_date(week),
                      end=L.short_date(week + dt.timedelta(days=6)), previous=pw,
                      horizon=L.when(period["horizon_local"])),
        "stale": L.t("dash.stale", at=f"{fetched.read_at:%H:%M:%S}") if fetched.stale else None,
        "figure": F.trends(got["series"], cfg.kpis, cfg.targets, grain, unavailable, L),
        "caption": describe(f, L),
    }  # fmt: skip


DATE_PICKER_FORMAT = "D MMM YYYY"  # moment.js: the same "6 Jul 2026" as L.short_date


def describe(f: D.Filters, L: Lang = EN) -> str:
    """The header's caption: the days the page covers (Monday of the first week to Sunday of
    the last, as the date picker shows them), the region and the slice."""
    parts = [f"{L.short_date(f.start)} – {L.short_date(f.end + dt.timedelta(days=6))}"]
    parts.append(f.region or L.t("scope.all_regions"))
    if f.has_slice:
        what = L.t(f"dash.dim_{f.dimension}")
        parts.append(f"{what} {f.team or ', '.join(f.values or ())}")
    return " · ".join(parts)


def view_breakdowns(reader: D.Reader, period: dict[str, Any], start: str | None,
                    end: str | None, region: str | None, drill: dict[str, Any] | None,
                    rank_metric: str | None,
                    options: dict[str, Any] | None = None, L: Lang = EN) -> tuple:  # fmt: skip
    f = filters_from(period, start, end, region, drill)
    metric = rank_metric if rank_metric in D.RANKABLE else "service_level"
    recorded = (options or {}).get("metric_dimensions", {})
    region_note = None
    if f.has_slice and recorded and f.dimension not in recorded.get(metric, []):
        # The chosen metric is not recorded for this slice: rank on one that is, and say so.
        chosen = metric
        metric = next((m for m in D.RANKABLE if f.dimension in recorded.get(m, [])), metric)
        what = L.t(f"dash.dim_{f.dimension}")
        region_note = f"{L.label(chosen)}: {L.t('dash.not_recorded', what=what)}"
    try:
        got = breakdown_data(reader, f, metric).value
    except D.WarehouseBusy as exc:
        return (F.empty(L.t("headline.by_region"), str(exc)),
                F.empty(L.t("dash.queue_title"), str(exc)),
                F.empty(L.t("dash.team_title"), str(exc)))  # fmt: skip
    queue_sel = (f.values or [None])[0] if f.dimension == "queue" else None
    team_sel = f.team if f.dimension == "technician" else None
    queue_note = team_note = None
    if f.has_slice and f.dimension not in ("queue",):
        queue_note = L.t("dash.queue_note")
    if f.has_slice and f.dimension not in ("technician",):
        team_note = L.t("dash.team_note")
    return (
        F.region_bars(got["region"], metric, f.region, region_note, L),
        F.grouped_bars(got["queue"], D.QUEUE_METRICS, L.t("dash.queue_title"), queue_sel,
                       queue_note, L),
        F.grouped_bars(got["team"], D.TEAM_METRICS, L.t("dash.team_title"), team_sel,
                       team_note, L),
    )  # fmt: skip


def view_worst(app: Any, reader: D.Reader, cfg: Config, period: dict[str, Any],
               start: str | None, end: str | None, region: str | None,
               drill: dict[str, Any] | None) -> Any:  # fmt: skip
    """The worst-customer table (nothing is read when customer views are off)."""
    from dash import html

    if not cfg.customer_views:
        return []
    f = filters_from(period, start, end, region, drill)
    try:
        rows = worst_data(reader, cfg, f).value
    except D.WarehouseBusy as exc:
        return html.P(str(exc), className="notice")
    table = worst_table(app, rows, L=cfg.L)
    if f.dimension in ("category", "queue", "technician") and f.has_slice:
        return [html.P(cfg.L.t("dash.worst_sliced"), className="muted"), table]
    return table


def view_risk(app: Any, reader: D.Reader, cfg: Config, period: dict[str, Any],
              start: str | None, end: str | None, region: str | None,
              drill: dict[str, Any] | None) -> Any:  # fmt: skip
    """The churn-risk section, once its mart exists (bands only without customer views)."""
    f = filters_from(period, start, end, region, drill)
    try:
        risk = risk_data(reader, cfg, f, latest=f.end >= period["last_complete"]).value
    except D.WarehouseBusy:
        return []
    return risk_section(app, risk, cfg.customer_views, cfg.L)


def view_people(app: Any, reader: D.Reader, cfg: Config, period: dict[str, Any],
                start: str | None, end: str | None, region: str | None,
                drill: dict[str, Any] | None) -> tuple:  # fmt: skip
    """(worst-customer table, risk section): the two callbacks below the charts."""
    args = (app, reader, cfg, period, start, end, region, drill)
    return view_worst(*args), view_risk(*args)
