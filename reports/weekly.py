"""The weekly report managers read: collected from the marts, rendered to one HTML file.

Every number is read, never recomputed: the week's metrics through
:func:`ecoute.reports.metrics.week_metrics` (the same reader as ``ecoute metrics``), everything else
through the named queries in ``reports/queries/<name>.sql``. The report is a list of
:data:`SECTIONS`; each names its queries and is drawn by ``templates/section_<key>.html.j2``,
so a new section (churn risk, say) is one query file, one template block and one line here.

Two renderings of the same data: ``full`` (the file: plotly charts, the plotly library inlined
once, no external URL, works offline) and ``email`` (the message body: no script, which mail
clients strip anyway; the charts are in the attached PDF and HTML).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal as sql_literal
from ecoute.reports.metrics import CATALOGUE, settlement, shown

HERE = Path(__file__).parent
QUERIES = HERE / "queries"
TEMPLATES = HERE / "templates"

# Labels, directions, sections and targets are the metric catalogue's (warehouse/metrics.yml).
LABELS: dict[str, str] = {m.name: m.text() for m in CATALOGUE.metrics}
NO_REGION = "(none)"
RAG_WORDS = {"green": "on target", "amber": "watch", "red": "off target", "none": "no data"}
_SPARK = "▁▂▃▄▅▆▇█"


# ---------------------------------------------------------------- sections


@dataclass(frozen=True)
class Section:
    """One block of the report: its queries (``queries/<name>.sql``), its metric cards (read
    from the week's metrics) and its template ``section_<key>.html.j2``.

    A query whose ``-- requires:`` tables are missing yields None; a section with
    ``optional=True`` is left out when its first query's tables are missing.
    ``derive`` turns earlier query results into parameters of later ones."""

    key: str
    title: str
    queries: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    optional: bool = False
    national_only_queries: tuple[str, ...] = ()
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def _cards_of(section: str) -> tuple[str, ...]:
    """The catalogue's metrics of a report section, in its order (whole metrics only)."""
    return tuple(m.name for m in CATALOGUE.in_section(section) if m.whole)


def _load_ids(results: Mapping[str, Any]) -> dict[str, Any]:
    return {"load_ids": [r["load_id"] for r in results.get("quality_loads") or []]}


SECTIONS: tuple[Section, ...] = (
    Section("headline", "Headline", queries=("regions",), national_only_queries=("regions",)),
    Section(
        "contact_centre",
        "Contact centre",
        queries=("contact_centre_queues",),
        metrics=_cards_of("contact_centre"),
    ),
    Section(
        "field_visits",
        "Field visits",
        queries=("field_visits_technicians",),
        metrics=_cards_of("field_visits"),
    ),
    Section(
        "repairs",
        "Repairs",
        queries=("repairs_categories",),
        metrics=_cards_of("repairs"),
    ),
    Section(
        "communication",
        "Communication",
        queries=("communication_intents",),
        metrics=_cards_of("communication"),
    ),
    Section("worst", "Customer stories of the week", queries=("worst_customers",)),
    Section("compensation", "Compensation owed", queries=("compensation",)),
    Section("risk", "Churn risk", queries=("risk",), optional=True),
    Section(
        "data_quality",
        "Data quality of the week's loads",
        queries=("quality_loads", "quality_quarantine", "quality_expectations"),
        derive=_load_ids,
    ),
)


# ---------------------------------------------------------------- formatting


def kind_of(metric: str) -> str:
    return CATALOGUE[metric].kind


_UNIT_FORMATS = {
    "percent": lambda v: f"{v * 100:.1f} %",
    "count": lambda v: f"{v:,.0f}",
    "hours": lambda v: f"{v:,.1f} h",
    "days": lambda v: f"{v:,.1f} days",
    "seconds": lambda v: f"{v:,.0f} s",
    "per_ticket": lambda v: f"{v:,.2f}",
}


def fmt_value(metric: str, value: float | None) -> str:
    """A metric's value as a manager reads it, by its catalogue unit: 3.2 %, 1,848, 8.5 h."""
    if value is None:
        return "–"
    return _UNIT_FORMATS[CATALOGUE[metric].unit](value)


def direction_of(metric: str, targets: Mapping[str, Any] | None = None) -> int:
    """-1 when lower is better, +1 when higher is better, 0 when neither (a volume)."""
    target = (targets or {}).get(metric)
    if (
        isinstance(target, Mapping)
        and "green" in target
        and "red" in target
        and target["green"] != target["red"]
    ):
        return -1 if target["green"] < target["red"] else 1
    direction = CATALOGUE[metric].direction
    return {"lower": -1, "higher": 1}.get(direction, 0)


def fmt_delta(
    metric: str, value: float | None, previous: float | None, direction: int
) -> tuple[str, str]:
    """The change since last week in words, and whether it is better, worse or neutral."""
    if value is None or previous is None:
        return "no comparison", "neutral"
    diff = value - previous
    if kind_of(metric) == "ratio":
        text = f"{diff * 100:+.1f} pt"
    elif previous:
        text = f"{diff / abs(previous) * 100:+.0f} %"
    else:
        text = f"{diff:+,.1f}"
    if abs(diff) < 1e-12:
        return "unchanged", "neutral"
    mood = "neutral" if direction == 0 else ("better" if diff * direction > 0 else "worse")
    return text, mood


def rag(metric: str, value: float | None, targets: Mapping[str, Any]) -> str:
    """green / amber / red against the configured target, or none (no target, no data, or a
    failure that is not the operator's: a customer's no-show is never painted red)."""
    target = targets.get(metric)
    if value is None or not isinstance(target, Mapping) or CATALOGUE[metric].failure != "operator":
        return "none"
    green, red = float(target["green"]), float(target["red"])
    if green <= red:  # lower is better
        return "green" if value <= green else "red" if value >= red else "amber"
    return "green" if value >= green else "red" if value <= red else "amber"


def target_text(metric: str, targets: Mapping[str, Any]) -> str:
    target = targets.get(metric)
    if not isinstance(target, Mapping):
        return ""
    green, red = target["green"], target["red"]
    better = "≤" if green <= red else "≥"
    return f"target {better} {fmt_value(metric, green)} (red {fmt_value(metric, red)})"


def sparkline(values: Sequence[float | None]) -> str:
    """Eight weeks in eight characters (works in any mail client); a gap is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else _SPARK[round((v - low) / span * (len(_SPARK) - 1))] for v in values
    )


# ---------------------------------------------------------------- file names


def safe_name(region: str) -> str:
    """A file-name-safe slug of a region name: ASCII letters, digits and dashes only, so no
    region name (``../../etc``, ``a/b``, ``CON``) can leave the output folder or collide
    silently; a hash of the name keeps two names with the same letters apart."""
    ascii_name = unicodedata.normalize("NFKD", region).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48].strip("-")
    digest = hashlib.sha1(region.encode()).hexdigest()[:6]
    return f"{slug}-{digest}" if slug else f"region-{digest}"


def report_path(out_dir: Path, week: str, region: str | None, ext: str) -> Path:
    """Where a report goes: always directly inside `out_dir` (checked, not assumed)."""
    if not re.fullmatch(r"\d{4}-W\d{2}", week) or ext not in ("html", "pdf"):
        raise ValueError(f"bad report name parts: {week!r}, {ext!r}")
    name = f"weekly-{week}" + (f"--{safe_name(region)}" if region is not None else "")
    root = out_dir.resolve()
    path = (root / f"{name}.{ext}").resolve()
    if path.parent != root:
        raise ValueError(f"report file {path} would leave the output folder {root}")
    return path


# ---------------------------------------------------------------- queries


@cache
def query_text(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"bad query name {name!r}")
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def query_requires(name: str) -> list[str]:
    """The tables a query reads, from its ``-- requires: schema.table, …`` header line."""
    m = re.search(r"^--\s*requires:\s*(.+)$", query_text(name), re.MULTILINE)
    return [t.strip() for t in m.group(1).split(",")] if m else []


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, _, table = qualified.partition(".")
    row = con.execute(
        "select count(*) from information_schema.tables "
        f"where table_schema = {sql_literal(schema)} and table_name = {sql_literal(table)}"
    ).fetchone()
    return bool(row and row[0])


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]
) -> list[dict[str, Any]] | None:
    """Rows of ``queries/<name>.sql`` as dicts, or None when a table it needs is missing.
    ``$name`` in the query is replaced by the parameter's SQL literal."""
    if not all(table_exists(con, t) for t in query_requires(name)):
        return None

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in params:
            raise KeyError(f"query {name}: no value for ${key}")
        return sql_literal(params[key])

    sql = re.sub(r"\$([a-z_]+)\b", value, query_text(name))
    cursor = con.execute(sql)
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- collecting


@dataclass
class Report:
    """Everything a rendering needs; built once, rendered as file and as e-mail body."""

    week: str
    week_start: dt.date
    region: str | None
    context: dict[str, Any] = field(default_factory=dict)
    alerts: list[Any] = field(default_factory=list)

    @property
    def scope(self) -> str:
        return self.region or "All regions"


def collect(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    week_start: dt.date,
    region: str | None = None,
) -> Report:
    """Read everything the week's report shows (raises RuleError on bad alert rules)."""
    from ecoute.reports.alerts import describe, evaluate, rules_from
    from ecoute.reports.journey import customer_journey
    from ecoute.reports.metrics import build_params, targets_of, week_metrics

    cfg = settings.section("report")
    targets = targets_of(settings)
    trend_weeks = max(int(cfg.get("trend_weeks", 8)), 2)
    top = int(cfg.get("worst_top", 10))
    headline = [m for m in cfg.get("headline", []) if m in LABELS]
    week = _week_label(week_start)
    week_end = week_start + dt.timedelta(days=7)
    params = build_params(con)
    tz = ZoneInfo(params.get("timezone") or settings.metrics.get("timezone", "Europe/Brussels"))
    metrics = week_metrics(con, week_start, region=region)["metrics"]
    trend_start = week_start - dt.timedelta(weeks=trend_weeks - 1)
    weeks = [trend_start + dt.timedelta(weeks=i) for i in range(trend_weeks)]
    base = {
        "week_start": week_start,
        "previous_start": week_start - dt.timedelta(days=7),
        "week_end": week_end,
        "trend_start": trend_start,
        "region": region,
        "no_region": NO_REGION,
        "top": top,
        "headline": headline,
        "window_start_at": dt.datetime.combine(week_start, dt.time(0), tz),
        "window_end_at": dt.datetime.combine(week_end + dt.timedelta(days=7), dt.time(0), tz),
        "max_loads": int(cfg.get("quality_max_loads", 5)),
    }
    trend = _trend(run_query(con, "trend", base) or [], weeks)
    for metric, series in trend.items():  # an unsettled week is no point on a chart
        trend[metric] = [
            (label, v if settlement(metric, w, 7, params).settled else None)
            for w, (label, v) in zip(weeks, series, strict=True)
        ]

    def card(metric: str) -> dict[str, Any]:
        cell = metrics.get(metric) or {}
        settled = cell.get("settled", True) and cell.get("previous_settled", True)
        value, previous = cell.get("value"), cell.get("previous")
        direction = direction_of(metric, targets)
        delta, mood = fmt_delta(metric, value, previous, direction)
        status = rag(metric, value, targets) if cell.get("settled", True) else "none"
        if not settled:  # no change worth reading between an unsettled week and another
            delta, mood = "no comparison", "neutral"
        return {
            "metric": metric,
            "label": LABELS.get(metric, metric),
            "value": value,
            "numerator": cell.get("numerator"),
            "denominator": cell.get("denominator"),
            "settled": cell.get("settled", True),
            "value_text": shown(cell, fmt_value(metric, value)),
            "previous_text": shown(cell, fmt_value(metric, previous), previous=True),
            "delta_text": delta,
            "mood": mood,
            "status": status,
            "status_word": RAG_WORDS[status],
            "target_text": target_text(metric, targets),
            "spark": sparkline([v for _, v in trend.get(metric, [])]),
            "spark_title": f"{_week_label(weeks[0])} – {week}",
            "kind": kind_of(metric),
        }

    rules = rules_from(settings.section("alerts"))
    alerts = evaluate(con, week_start, rules, region=region)
    sections = []
    for section in SECTIONS:
        results: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name in section.queries:
            if region is not None and name in section.national_only_queries:
                results[name] = None
                continue
            results[name] = run_query(con, name, {**base, **extra})
            if section.derive:
                extra = section.derive(results)
        if section.optional and section.queries and results[section.queries[0]] is None:
            continue
        metrics_of = headline if section.key == "headline" else section.metrics
        sections.append({
            "key": section.key,
            "title": section.title,
            "cards": [card(m) for m in metrics_of],
            "data": results,
        })  # fmt: skip
    worst = next(s for s in sections if s["key"] == "worst")["data"]["worst_customers"] or []
    as_of = week_end - dt.timedelta(days=1)
    since = (week_end - dt.timedelta(days=int(cfg.get("journey_days", 35)))).isoformat()
    journeys = []
    for i, row in enumerate(worst, start=1):
        row["anchor"] = f"journey-{i}"
        row["reasons"] = _reasons(row)
        journey = customer_journey(con, row["customer_id"], as_of)
        recent = [e for e in journey["events"] if e["local_at"] >= since]
        journeys.append({
            "anchor": row["anchor"],
            "row": row,
            "events": recent,
            "hidden": len(journey["events"]) - len(recent),
            "summary": journey["summary"],
            "command": f"ecoute customer {row['customer_id']} --as-of {as_of.isoformat()}",
        })  # fmt: skip
    report = Report(week=week, week_start=week_start, region=region, alerts=alerts)
    report.context = {
        "title": cfg.get("title", "Weekly service report"),
        "operator": cfg.get("operator", ""),
        "week": week,
        "week_start": week_start,
        "week_last_day": as_of,
        "previous_week": _week_label(week_start - dt.timedelta(days=7)),
        "region": region,
        "scope": report.scope,
        "alerts": [
            {
                "text": describe(a),
                "where": a.where,
                "rule": a.rule.label,
                "condition": a.rule.condition,
            }
            for a in alerts
        ],  # fmt: skip
        "rules": rules,
        "sections": sections,
        "journeys": journeys,
        "journey_since": since,
        "trend": trend,
        "trend_weeks": [_week_label(w) for w in weeks],
        "metrics": metrics,
        "params": params,
        "_targets_raw": targets,
        "targets": [
            {"metric": m, "label": LABELS.get(m, m), "text": target_text(m, targets)}
            for m in targets
            if isinstance(targets[m], Mapping)
        ],
        "settings_shown": {
            "trend_weeks": trend_weeks,
            "worst_top": top,
            "journey_days": int(cfg.get("journey_days", 35)),
            "headline": ", ".join(headline),
        },
        "quality_window": (
            f"loads started {week_start.isoformat()} – "
            f"{(week_end + dt.timedelta(days=6)).isoformat()} ({week} and the week after)"
        ),
    }
    return report


def _week_label(monday: dt.date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


def _trend(rows: list[dict[str, Any]], weeks: list[dt.date]) -> dict[str, list[tuple[str, Any]]]:
    """metric → [(week label, value)] over the trend weeks; a count reads 0 in a week that has
    data but no row for it (as ``week_metrics`` does), anything else stays missing."""
    present = {r["week_start"] for r in rows}
    cells = {(r["metric"], r["week_start"]): r["value"] for r in rows}
    out: dict[str, list[tuple[str, Any]]] = {}
    for metric in {r["metric"] for r in rows} | set(LABELS):
        series = []
        for w in weeks:
            value = cells.get((metric, w))
            if value is None and w in present and kind_of(metric) == "count":
                value = 0.0
            series.append((_week_label(w), value))
        out[metric] = series
    return out


_REASON_WORDS = (
    (
        "missed_unannounced_visits",
        "missed visit nobody announced",
        "missed visits nobody announced",
    ),
    ("missed_announced_visits", "missed visit", "missed visits"),
    (
        "dropped_without_callback",
        "dropped call never called back",
        "dropped calls never called back",
    ),
    ("restore_targets_missed", "repair past its target", "repairs past their target"),
    ("days_without_service", "day without service", "days without service"),
    ("context_losses", "time they had to explain again", "times they had to explain again"),
    ("reopened_tickets", "reopened ticket", "reopened tickets"),
    ("repeat_contacts", "repeat contact", "repeat contacts"),
    ("unlogged_calls", "call with no ticket", "calls with no ticket"),
)


def _reasons(row: Mapping[str, Any]) -> list[str]:
    """The failures of a worst-week row in words, heaviest first."""
    out = []
    for col, one, many in _REASON_WORDS:
        n = row.get(col) or 0
        if n:
            shown = f"{n:g}" if isinstance(n, float) else str(n)
            out.append(f"{shown} {one if n == 1 else many}")
    return out


# ---------------------------------------------------------------- rendering


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every string from the data (subjects, reasons, regions) is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = lambda value, metric: fmt_value(metric, value)
    env.filters["label"] = lambda metric: LABELS.get(metric, metric)
    env.filters["short"] = _short
    env.filters["num"] = lambda v: (
        "–" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
    )
    return env


def _short(text: Any) -> str:
    """A number written with too many digits (an observed value) shortened; other text as is."""
    try:
        return f"{float(text):.4g}"
    except (TypeError, ValueError):
        return str(text)[:160]


def render(report: Report, mode: str = "full") -> str:
    """The report as HTML: ``full`` (charts, plotly inline) or ``email`` (no script)."""
    if mode not in ("full", "email"):
        raise ValueError(f"mode must be full or email, got {mode!r}")
    charts: dict[str, str] = {}
    plotly_js = ""
    if mode == "full":
        from plotly.offline import get_plotlyjs

        from ecoute.reports.charts import charts_for

        charts = charts_for(report)
        plotly_js = get_plotlyjs()
    template = _environment().get_template("weekly.html.j2")
    targets = report.context["_targets_raw"]
    return template.render(
        **report.context,
        mode=mode,
        charts=charts,
        plotly_js=plotly_js,
        rag_of=lambda metric, value: rag(metric, value, targets),
    )


def text_summary(report: Report) -> str:
    """The plain-text part of the e-mail: the headline numbers and the alerts."""
    ctx = report.context
    lines = [f"{ctx['title']} — {report.week} — {report.scope}", ""]
    if ctx["alerts"]:
        lines.append(f"{len(ctx['alerts'])} alert(s):")
        lines += [f"  ! {a['text']}" for a in ctx["alerts"]]
        lines.append("")
    headline = next(s for s in ctx["sections"] if s["key"] == "headline")
    for c in headline["cards"]:
        lines.append(
            f"  {c['label']:<30} {c['value_text']:>10}   last week {c['previous_text']:>10}"
            f"   {c['status_word']}"
        )
    lines += ["", "The full report is attached (HTML, and PDF when configured)."]
    return "\n".join(lines)


def chart_json(figure: Any) -> str:
    """A figure as JSON safe inside a <script> element (no `</script>` can close it)."""
    text = figure.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------- writing


@dataclass
class Written:
    week: str
    region: str | None
    html: Path
    pdf: Path | None
    email_html: str
    text: str
    alerts: list[Any]
    seconds: float
    pdf_error: str = ""  # the PDF could not be printed (the HTML was written)

    @property
    def scope(self) -> str:
        return self.region or "All regions"


def regions(con: duckdb.DuckDBPyConnection, week_start: dt.date, weeks: int = 8) -> list[str]:
    """The regions with numbers in the trend window (burst mode writes one report each)."""
    rows = run_query(
        con,
        "regions_list",
        {"trend_start": week_start - dt.timedelta(weeks=weeks - 1), "week_start": week_start,
         "no_region": NO_REGION},
    )  # fmt: skip
    return [r["region"] for r in rows or []]


def write_weekly(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    week_start: dt.date,
    out_dir: Path,
    region: str | None = None,
    pdf: bool = False,
) -> Written:
    """Write the week's report (and its PDF) into `out_dir`; return where and what."""
    import time

    started = time.perf_counter()
    report = collect(con, settings, week_start, region)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = report_path(out_dir, report.week, region, "html")
    html_path.write_text(render(report, "full"), encoding="utf-8")
    pdf_path, pdf_error = None, ""
    if pdf:
        from ecoute.reports.pdf import PdfError, html_to_pdf

        try:
            pdf_path = html_to_pdf(
                html_path, report_path(out_dir, report.week, region, "pdf"), settings
            )
        except PdfError as exc:
            pdf_error = str(exc)
    return Written(
        week=report.week,
        region=region,
        html=html_path,
        pdf=pdf_path,
        email_html=render(report, "email"),
        text=text_summary(report),
        alerts=report.alerts,
        seconds=time.perf_counter() - started,
        pdf_error=pdf_error,
    )


def params_json(report: Report) -> str:
    """The parameters in force as JSON (printed in the report's parameters section)."""
    return json.dumps(report.context["params"], ensure_ascii=False, default=str)
