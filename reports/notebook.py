"""One import for analysts' notebooks: ``from ecoute.reports import notebook as nb``.

It gives a read-only connection to the warehouse (path from the settings, i.e. the
``ECOUTE_WAREHOUSE`` environment variable, else the configuration), ``sql(query)`` returning a
polars DataFrame, the metric marts as tidy frames, the project's metric functions, and a few
plotly figures used by several notebooks (a customer's journey as a timeline, weekly series with
the outages shaded).

Nothing here defines a metric. Weekly and daily values come from ``marts.rpt_metrics__weekly`` /
``__daily``. To slice a metric by something the marts do not store (hour of day, lead time,
"during an outage"), :func:`rate_by` and :func:`percentiles_by` count the flags the warehouse
computed on the facts, over the same populations as the marts; ``tests/notebooks`` checks,
metric by metric, that grouping them by ISO week gives back the mart's numbers.

Nothing happens at import time: the settings are read and the connection opened on first use.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from ecoute.core.settings import Settings, load_settings
from ecoute.reports.journey import customer_journey
from ecoute.reports.metrics import (
    CATALOGUE,
    DIMENSIONS,
    METRICS,
    build_params,
    kind_of,
    metric_rows,
    week_metrics,
    worst_customers,
)
from ecoute.warehouse.catalogue import Source
from ecoute.warehouse.connection import connect

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "DIMENSIONS",
    "METRICS",
    "RATIOS",
    "DISTRIBUTIONS",
    "settings",
    "connection",
    "close",
    "sql",
    "has_table",
    "tables",
    "metric_catalog",
    "params",
    "weeks",
    "weekly",
    "daily",
    "week",
    "rate_by",
    "percentiles_by",
    "values_of",
    "outages",
    "major_outage",
    "worst",
    "journey",
    "journey_timeline",
    "weekly_chart",
    "shade_outages",
    "note",
    "week_metrics",
    "worst_customers",
    "customer_journey",
    "kind_of",
]

_state: dict[str, Any] = {}


# --- the connection -------------------------------------------------------------------------


def settings(warehouse: str | Path | None = None) -> Settings:
    """The settings notebooks run with: defaults, ``ECOUTE_CONFIG``, ``ECOUTE_WAREHOUSE``…"""
    if warehouse is not None or "settings" not in _state:
        path = Path(warehouse) if warehouse is not None else None
        _state["settings"] = load_settings(warehouse=path, environ=os.environ)
    return _state["settings"]


def connection(warehouse: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, opened once and reused.

    Pass `warehouse` to open another file (the previous connection is closed). Two SQL
    macros are defined for convenience: ``local_at(instant)`` (the instant in the configured
    time zone) and ``in_outage(region, instant)`` (an outage of that region was under way).
    """
    if warehouse is not None:
        close()
    if "con" not in _state:
        s = settings(warehouse)
        con = connect(s, read_only=True)
        tz = build_params(con).get("timezone") or "Europe/Brussels"
        con.execute(f"create or replace temp macro local_at(ts) as timezone('{tz}', ts)")
        con.execute(
            "create or replace temp macro in_outage(reg, ts) as exists("
            "select 1 from staging.stg_outages as o "
            "where o.region = reg and ts >= o.started_at and ts < o.ended_at)"
        )
        _state["con"] = con
    return _state["con"]


def close() -> None:
    """Close the connection (so `ecoute load` can write to the warehouse again)."""
    con = _state.pop("con", None)
    if con is not None:
        con.close()


def sql(query: str, params: list[Any] | None = None) -> pl.DataFrame:
    """Run a DuckDB query on the warehouse and return a polars DataFrame."""
    return connection().execute(query, params or []).pl()


def has_table(name: str) -> bool:
    """Whether ``schema.table`` exists (e.g. the churn-risk marts, built by another step)."""
    schema, _, table = name.rpartition(".")
    found = (
        connection()
        .execute(
            "select count(*) from information_schema.tables "
            "where table_name = ? and (? = '' or table_schema = ?)",
            [table, schema, schema],
        )
        .fetchone()
    )
    return bool(found and found[0])


def tables(schemas: tuple[str, ...] = ("core", "marts")) -> pl.DataFrame:
    """The tables analysts read (facts, dimensions, marts) with their row and column counts."""
    return sql(
        "select schema_name, table_name, estimated_size as rows, "
        "column_count as columns from duckdb_tables() "
        "where schema_name = any(?::varchar[]) order by schema_name, table_name",
        [list(schemas)],
    )


def params() -> dict[str, Any]:
    """The metric parameters the marts were built with, and the data's horizon."""
    return build_params(connection())


def note(markdown: str) -> None:
    """Show a markdown note in the notebook (e.g. why a section is skipped)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


# --- metrics from the marts -----------------------------------------------------------------


def metric_catalog() -> pl.DataFrame:
    """Every metric the marts hold: name, kind, label, and the weeks with a value."""
    names = pl.DataFrame(
        {
            "metric": list(METRICS),
            "kind": [kind_of(m) for m in METRICS],
            "label": [CATALOGUE[m].text() for m in METRICS],
        },
        schema={"metric": pl.String, "kind": pl.String, "label": pl.String},
    )
    present = sql(
        "select metric, count(distinct week_start) filter (where value is not null) as weeks "
        "from marts.rpt_metrics__weekly where dimension = 'all' and region = '*' group by metric"
    )
    return names.join(present, on="metric", how="left").with_columns(pl.col("weeks").fill_null(0))


def weeks() -> list[dt.date]:
    """ISO weeks (their Mondays) with inbound calls, up to the data's horizon, oldest first."""
    rows = (
        connection()
        .execute(
            "select week_start from marts.rpt_metrics__weekly "
            "where metric = 'inbound_calls' and dimension = 'all' and region = '*' "
            "and numerator > 0 order by week_start"
        )
        .fetchall()
    )
    return [r[0] for r in rows]


def _metric_frame(
    table: str,
    period: str,
    metrics: str | list[str],
    dimension: str,
    region: str | None,
) -> pl.DataFrame:
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in names if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; see nb.metric_catalog()")
    all_regions = region is None and dimension == "region"
    dim = "all" if dimension == "region" else dimension
    span = weeks()
    first, last = (span[0], span[-1] + dt.timedelta(days=6)) if span else (None, None)
    return sql(
        f"select {period}, metric, region, dimension_value, numerator, denominator, value "
        f"from {table} where metric = any(?::varchar[]) and dimension = ? "
        f"and (region = ? or (? and region <> '*')) and {period} between ? and ? "
        f"order by {period}, metric, region, dimension_value",
        [names, dim, None if all_regions else (region or "*"), all_regions, first, last],
    )


def weekly(
    metrics: str | list[str], dimension: str = "all", region: str | None = None
) -> pl.DataFrame:
    """Weekly values from ``marts.rpt_metrics__weekly``: one row per week, metric and slice.

    `dimension` is ``all``, ``region`` (one row per region) or one of segment, queue, agent,
    technician, category; `region` restricts to one region. Weeks: those of :func:`weeks`.
    """
    return _metric_frame("marts.rpt_metrics__weekly", "week_start", metrics, dimension, region)


def daily(
    metrics: str | list[str], dimension: str = "all", region: str | None = None
) -> pl.DataFrame:
    """Daily values from ``marts.rpt_metrics__daily`` (same arguments as :func:`weekly`)."""
    return _metric_frame("marts.rpt_metrics__daily", "metric_date", metrics, dimension, region)


def week(
    week_start: dt.date | None = None, by: str | None = None, region: str | None = None
) -> pl.DataFrame:
    """Every metric of one week with the previous week's value (``ecoute metrics`` as a frame).

    Default: the last week with calls.
    """
    start = week_start or weeks()[-1]
    rows = metric_rows(week_metrics(connection(), start, by=by, region=region))
    return pl.DataFrame(
        [
            {
                k: r[k]
                for k in (
                    "metric",
                    "slice",
                    "kind",
                    "value",
                    "previous",
                    "numerator",
                    "denominator",
                )
            }
            for r in rows
        ],  # fmt: skip
        infer_schema_length=None,
    )


# --- slicing a metric by anything: the facts' flags, over the marts' populations -----------


@dataclass(frozen=True)
class Ratio:
    """Where a ratio metric's numerator and denominator are counted: a fact, the local date
    that puts a row in a period, and two filters over the fact's own flags."""

    fact: str
    period: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Distribution:
    """The values a percentile metric is taken over: a fact, its period date, the value
    column, the population, and the metrics it yields at which quantile."""

    fact: str
    period: str
    value: str
    population: str
    quantiles: dict[str, float]


def _where(source: Source, *conditions: str) -> str:
    """The source's rows and the conditions, ANDed ("true" when there is none)."""
    kept = list(dict.fromkeys(c for c in (source.rows, *conditions) if c != "true"))
    return " and ".join(f"({c})" for c in kept) or "true"


def _ratios() -> dict[str, Ratio]:
    """The ratio metrics as the catalogue defines them (the marts are generated from the same
    entries; tests/notebooks checks these reproduce marts.rpt_metrics__weekly)."""
    out = {}
    for m in CATALOGUE.metrics:
        if m.kind != "ratio" or not m.whole or m.numerator is None or m.denominator is None:
            continue
        if m.numerator.fn != "count" or m.denominator.fn != "count":
            continue
        src = CATALOGUE.sources[m.source]
        if src.mart == "backlog":  # a stock at each period's end, not rows of a fact
            continue
        out[m.name] = Ratio(
            src.fact,
            src.date,
            _where(src, m.denominator.where, m.numerator.where),
            _where(src, m.denominator.where),
        )
    return out


def _distributions() -> dict[str, Distribution]:
    out: dict[str, Distribution] = {}
    for m in CATALOGUE.metrics:
        if m.kind != "percentile" or m.value is None or m.distribution is None:
            continue
        src = CATALOGUE.sources[m.source]
        population = _where(src, m.value.where, f"{m.value.column} is not null")
        known = out.get(m.distribution)
        quantiles = {**(known.quantiles if known else {}), m.name: float(m.value.q or 0)}
        out[m.distribution] = Distribution(
            src.fact, src.date, m.value.column or "", population, quantiles
        )
    return out


RATIOS: dict[str, Ratio] = _ratios()
DISTRIBUTIONS: dict[str, Distribution] = _distributions()


def _by_list(by: str | list[str] | tuple[str, ...]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def rate_by(
    metric: str, by: str | list[str] | tuple[str, ...] = (), where: str | None = None
) -> pl.DataFrame:
    """A ratio metric sliced by any SQL expressions over its fact, e.g.
    ``rate_by("dropped_call_rate", "hour(local_at(started_at)) as hour")``.

    Columns: the `by` expressions, numerator, denominator, value. `where` filters the fact's
    rows first (e.g. ``"queue = 'tech-fr'"``); ``period_date`` is the date that puts a row in
    a day or week of the marts (``date_trunc('week', period_date)`` gives its week).
    """
    if metric not in RATIOS:
        raise ValueError(f"rate_by knows {sorted(RATIOS)}; read other metrics with nb.weekly()")
    r = RATIOS[metric]
    groups = _by_list(by)
    select = ", ".join(groups) + ", " if groups else ""
    group = "group by all order by all" if groups else ""
    return sql(
        f"select {select}"
        f"count(*) filter (where {r.numerator}) as numerator, "
        f"count(*) filter (where {r.denominator}) as denominator, "
        "numerator / nullif(denominator, 0) as value "
        f"from (select *, {r.period} as period_date from {r.fact}) as f "
        f"where ({where or 'true'}) and ({r.denominator}) {group}"
    )


def values_of(
    distribution: str, columns: str | list[str] | tuple[str, ...] = (), where: str | None = None
) -> pl.DataFrame:
    """The values a percentile metric is taken over (``value`` plus the `columns` asked for),
    e.g. every restore time of ``time_to_restore_h``, for a histogram."""
    d = DISTRIBUTIONS[distribution]
    extra = ", ".join(_by_list(columns))
    return sql(
        f"select {d.value} as value{', ' + extra if extra else ''} "
        f"from (select *, {d.period} as period_date from {d.fact}) as f "
        f"where ({where or 'true'}) and ({d.population})"
    )


def percentiles_by(
    distribution: str, by: str | list[str] | tuple[str, ...] = (), where: str | None = None
) -> pl.DataFrame:
    """The percentile metrics of a distribution (e.g. ETSI p50/p80/p95 time to restore) per
    slice: the `by` expressions, n, and one column per metric."""
    d = DISTRIBUTIONS[distribution]
    groups = _by_list(by)
    select = ", ".join(groups) + ", " if groups else ""
    quantiles = ", ".join(
        f"quantile_cont({d.value}, {q}) as {name}" for name, q in d.quantiles.items()
    )
    group = "group by all order by all" if groups else ""
    return sql(
        f"select {select}count(*) as n, {quantiles} "
        f"from (select *, {d.period} as period_date from {d.fact}) as f "
        f"where ({where or 'true'}) and ({d.population}) {group}"
    )


# --- outages, worst weeks, journeys ---------------------------------------------------------


def outages(min_hours: float = 0.0) -> pl.DataFrame:
    """Outages the NOC declared (the outage register), longest first, with local times."""
    return sql(
        "select outage_id, region, cause, local_at(started_at) as started_local, "
        "local_at(ended_at) as ended_local, started_at, ended_at, "
        "round(epoch(ended_at - started_at) / 3600.0, 1) as hours, affected_customers "
        "from staging.stg_outages where epoch(ended_at - started_at) >= ? * 3600 "
        "order by hours desc, started_at",
        [min_hours],
    )


def major_outage() -> dict[str, Any]:
    """The longest outage, with the Monday of the ISO week it started in (``week_start``)."""
    rows = outages()
    if rows.is_empty():
        raise LookupError("no outage in the warehouse")
    top = rows.row(0, named=True)
    started = top["started_local"].date()
    top["week_start"] = started - dt.timedelta(days=started.weekday())
    return top


def worst(week_start: dt.date | None = None, top: int = 10) -> pl.DataFrame:
    """The customers whose week went worst (``ecoute worst``), from the mart."""
    start = week_start or weeks()[-1]
    return pl.DataFrame(worst_customers(connection(), start, top), infer_schema_length=None)


def journey(customer_id: str, as_of: dt.date | None = None) -> pl.DataFrame:
    """One customer's events (``ecoute customer``) as a frame: local time, kind, flags, detail."""
    events = customer_journey(connection(), customer_id, as_of)["events"]
    frame = pl.DataFrame(events, infer_schema_length=None)
    if frame.is_empty():
        return frame
    return frame.with_columns(pl.col("local_at").str.to_datetime("%Y-%m-%d %H:%M"))


_KINDS = ("ticket", "appointment", "call", "message", "notification")
# Flags that are context, not a failure of ours.
_NEUTRAL = {"customer_absent"}


def journey_timeline(customer_id: str, as_of: dt.date | None = None) -> go.Figure:
    """A customer's story as a plotly timeline: one row per kind of event, failures in red,
    the time without service drawn as a bar on the ticket row; hover for the details."""
    import plotly.graph_objects as go

    story = customer_journey(connection(), customer_id, as_of)
    events = story["events"]
    fig = go.Figure()
    spans = sql(
        "select event_id, local_at(service_lost_from_at) as lost, "
        "local_at(coalesce(service_back_at, "
        "json_extract_string(p.value, '$')::timestamptz)) as back "
        "from marts.rpt_customer__journey, marts.rpt_metrics__params as p "
        "where customer_id = ? and service_lost_from_at is not null "
        "and p.name = 'data_horizon_at' order by lost",
        [customer_id],
    )
    for i, span in enumerate(spans.iter_rows(named=True)):
        fig.add_trace(
            go.Scatter(
                x=[span["lost"], span["back"]], y=["ticket", "ticket"], mode="lines",
                line={"color": "rgba(214,39,40,0.35)", "width": 14},
                name="without service", legendgroup="without service", showlegend=i == 0,
                hovertext=f"{span['event_id']}: without service", hoverinfo="text",
            )
        )  # fmt: skip
    for failed in (False, True):
        chosen = [e for e in events if _is_failure(e) == failed]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[e["local_at"] for e in chosen], y=[e["kind"] for e in chosen],
                mode="markers", name="something went wrong" if failed else "event",
                marker={"size": 12 if failed else 9, "color": "#d62728" if failed else "#7f7f7f",
                        "symbol": "x" if failed else "circle"},
                hovertext=[_hover(e) for e in chosen], hoverinfo="text",
            )
        )  # fmt: skip
    summary = story["summary"]
    fig.update_layout(
        title=f"Customer {customer_id}: {summary['events']} events, "
        f"{summary['days_without_service']} days without service",
        yaxis={"categoryorder": "array", "categoryarray": list(_KINDS), "title": None},
        xaxis={"title": "local time"},
        height=360,
        margin={"l": 100, "r": 20, "t": 60, "b": 40},
    )
    return fig


def _is_failure(event: dict[str, Any]) -> bool:
    return any(not f.startswith("intent:") and f not in _NEUTRAL for f in event["flags"])


def _hover(event: dict[str, Any]) -> str:
    flags = ", ".join(event["flags"]) or "no flag"
    days = event.get("days_without_service")
    extra = f"<br>{days} days without service" if days is not None else ""
    return f"{event['local_at']} · {event['id']}<br>{event['detail']}<br><b>{flags}</b>{extra}"


# --- charts used by several notebooks --------------------------------------------------------


def weekly_chart(
    frame: pl.DataFrame, title: str, color: str = "metric", percent: bool = True
) -> go.Figure:
    """A line per `color` of a :func:`weekly` frame, the long outages shaded behind."""
    import plotly.express as px

    x = "week_start" if "week_start" in frame.columns else "metric_date"
    fig = px.line(frame.sort(x), x=x, y="value", color=color, markers=True, title=title)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return shade_outages(fig)


def shade_outages(fig: go.Figure, min_hours: float = 24.0) -> go.Figure:
    """Shade the outages of at least `min_hours` on a figure whose x axis is local time."""
    for row in outages(min_hours).iter_rows(named=True):
        fig.add_vrect(
            x0=row["started_local"], x1=row["ended_local"], fillcolor="grey", opacity=0.15,
            line_width=0, annotation_text=f"{row['region']} ({row['hours']:g} h)",
            annotation_position="top left",
        )  # fmt: skip
    return fig
