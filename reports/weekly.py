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

import contextlib
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
from ecoute.reports.i18n import EN, Lang, words_for
from ecoute.reports.metrics import CATALOGUE, WORST_REASONS, settlement

HERE = Path(__file__).parent
QUERIES = HERE / "queries"
TEMPLATES = HERE / "templates"

# Labels, directions, sections and targets are the metric catalogue's (warehouse/metrics.yml).
LABELS: dict[str, str] = {m.name: m.text() for m in CATALOGUE.metrics}
NO_REGION = "(none)"
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
    Section("headline", queries=("regions",), national_only_queries=("regions",)),
    Section(
        "contact_centre",
        queries=("contact_centre_queues",),
        metrics=_cards_of("contact_centre"),
    ),
    Section(
        "field_visits",
        queries=("field_visits_technicians",),
        metrics=_cards_of("field_visits"),
    ),
    Section(
        "repairs",
        queries=("repairs_categories",),
        metrics=_cards_of("repairs"),
    ),
    Section(
        "communication",
        queries=("communication_intents",),
        metrics=_cards_of("communication"),
    ),
    Section("worst", queries=("worst_customers",)),
    Section("compensation", queries=("compensation",)),
    Section("risk", queries=("risk",), optional=True),
    Section(
        "data_quality",
        queries=("quality_loads", "quality_quarantine", "quality_expectations"),
        derive=_load_ids,
    ),
)


# ---------------------------------------------------------------- formatting


def kind_of(metric: str) -> str:
    return CATALOGUE[metric].kind


_UNIT_DECIMALS = {"percent": 1, "count": 0, "hours": 1, "days": 1, "seconds": 0, "per_ticket": 2}


def fmt_value(metric: str, value: float | None, L: Lang = EN) -> str:
    """A metric's value as a manager reads it, by its catalogue unit and in the reader's
    language: 3.2 %, 1,848, 8.5 h (3,2 %, 1 848, 8,5 h in French)."""
    if value is None:
        return "–"
    unit = CATALOGUE[metric].unit
    if unit == "percent":
        return L.pct(value)
    text = L.num(value, _UNIT_DECIMALS[unit])
    return text if unit in ("count", "per_ticket") else L.t(f"unit.{unit}", value=text)


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
    metric: str, value: float | None, previous: float | None, direction: int, L: Lang = EN
) -> tuple[str, str]:
    """The change since last week in words, and whether it is better, worse or neutral.
    A change that rounds to zero where it is shown (0.0 pt) is unchanged, never coloured."""
    if value is None or previous is None:
        return L.t("delta.no_comparison"), "neutral"
    diff = value - previous
    if kind_of(metric) == "ratio":
        shown_diff = round(diff * 100, 1)
        text = L.t("unit.pt", value=L.signed(shown_diff, 1))
    elif previous:
        shown_diff = round(diff / abs(previous) * 100)
        text = f"{L.signed(shown_diff, 0)} %"
    else:
        shown_diff = round(diff, 1)
        text = L.signed(shown_diff, 1)
    if shown_diff == 0:
        return L.t("delta.unchanged"), "neutral"
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


def target_text(metric: str, targets: Mapping[str, Any], L: Lang = EN) -> str:
    target = targets.get(metric)
    if not isinstance(target, Mapping):
        return ""
    green, red = target["green"], target["red"]
    return L.t(
        "card.target",
        sign="≤" if green <= red else "≥",
        green=fmt_value(metric, green, L),
        red=fmt_value(metric, red, L),
    )


def shown_in(cell: Mapping[str, Any], text: str, L: Lang = EN, previous: bool = False) -> str:
    """A formatted value, or "not settled yet (final on …)" in the reader's language."""
    prefix = "previous_" if previous else ""
    if cell.get(f"{prefix}settled", True):
        return text
    on = cell.get(f"{prefix}settles_on")
    if isinstance(on, str):
        on = dt.date.fromisoformat(on[:10])
    if not on:
        return L.t("not_settled", date="?")
    # English keeps the ISO day `ecoute metrics` prints; French and Dutch write it out
    return L.t("not_settled", date=on.isoformat() if L.code == "en" else L.date(on))


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


def tables_present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every ``schema.table`` (and view) of the warehouse, in one query: asking the catalogue
    table by table cost ~10 ms each, a dozen times per report."""
    return {r["qualified"] for r in run_query(con, "tables", {}) or []}


def run_query(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any],
    tables: set[str] | None = None,
) -> list[dict[str, Any]] | None:
    """Rows of ``queries/<name>.sql`` as dicts, or None when a table it needs is missing (from
    `tables`, :func:`tables_present`, when given). ``$name`` in the query is replaced by the
    parameter's SQL literal."""
    required = query_requires(name)
    if tables is not None and not all(t in tables for t in required):
        return None
    if tables is None and not all(table_exists(con, t) for t in required):
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

    L: Lang = EN

    @property
    def scope(self) -> str:
        return self.region or self.L.t("scope.all_regions")


def collect(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    week_start: dt.date,
    region: str | None = None,
    language: str | None = None,
) -> Report:
    """Read everything the week's report shows, in `language` (``--lang``; else
    ``[report] language``). Raises RuleError on bad alert rules, LanguageError on a bad
    language."""
    from ecoute.reports.alerts import describe, evaluate, rules_from
    from ecoute.reports.journey import customer_journey
    from ecoute.reports.metrics import build_params, targets_of, week_metrics

    cfg = settings.section("report")
    L = words_for(settings, language)
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
    present = tables_present(con)
    trend = _trend(run_query(con, "trend", base, present) or [], weeks)
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
        delta, mood = fmt_delta(metric, value, previous, direction, L)
        status = rag(metric, value, targets) if cell.get("settled", True) else "none"
        if not settled:  # no change worth reading between an unsettled week and another
            delta, mood = L.t("delta.no_comparison"), "neutral"
        return {
            "metric": metric,
            "label": L.label(metric),
            "value": value,
            "numerator": cell.get("numerator"),
            "denominator": cell.get("denominator"),
            "settled": cell.get("settled", True),
            "value_text": shown_in(cell, fmt_value(metric, value, L), L),
            "previous_text": shown_in(cell, fmt_value(metric, previous, L), L, previous=True),
            "delta_text": delta,
            "mood": mood,
            "status": status,
            "status_word": L.t(f"rag.{status}"),
            "target_text": target_text(metric, targets, L),
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
            results[name] = run_query(con, name, {**base, **extra}, present)
            if section.derive:
                extra = section.derive(results)
        if section.optional and section.queries and results[section.queries[0]] is None:
            continue
        metrics_of = headline if section.key == "headline" else section.metrics
        sections.append({
            "key": section.key,
            "title": L.t(f"section.{section.key}"),
            "cards": [card(m) for m in metrics_of],
            "data": results,
        })  # fmt: skip
    worst = next(s for s in sections if s["key"] == "worst")["data"]["worst_customers"] or []
    as_of = week_end - dt.timedelta(days=1)
    since = (week_end - dt.timedelta(days=int(cfg.get("journey_days", 35)))).isoformat()
    journeys = []
    for i, row in enumerate(worst, start=1):
        row["anchor"] = f"journey-{i}"
        row["reasons"] = _reasons(row, L)
        journey = customer_journey(con, row["customer_id"], as_of, L)
        recent = [e for e in journey["events"] if e["local_at"] >= since]
        journeys.append({
            "anchor": row["anchor"],
            "row": row,
            "events": recent,
            "hidden": len(journey["events"]) - len(recent),
            "summary": journey["summary"],
            "command": f"ecoute customer {row['customer_id']} --as-of {as_of.isoformat()}",
        })  # fmt: skip
    report = Report(week=week, week_start=week_start, region=region, alerts=alerts, L=L)
    report.context = {
        "title": cfg.get("title") or L.t("report.title"),
        "lang": L.code,
        "operator": cfg.get("operator", ""),
        "week": week,
        "week_start": week_start,
        "week_last_day": as_of,
        "previous_week": _week_label(week_start - dt.timedelta(days=7)),
        "region": region,
        "scope": report.scope,
        "alerts": [
            {
                "text": describe(a, L),
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
        "journey_since_date": dt.date.fromisoformat(since),
        "trend": trend,
        "trend_weeks": [_week_label(w) for w in weeks],
        "metrics": metrics,
        "params": params,
        "_targets_raw": targets,
        "targets": [
            {"metric": m, "label": L.label(m), "text": target_text(m, targets, L)}
            for m in targets
            if isinstance(targets[m], Mapping)
        ],
        "settings_shown": {
            "trend_weeks": trend_weeks,
            "worst_top": top,
            "journey_days": int(cfg.get("journey_days", 35)),
            "headline": ", ".join(headline),
        },
        "quality_window": L.t(
            "quality.window",
            start=L.date(week_start),
            end=L.date(week_end + dt.timedelta(days=6)),
            week=week,
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


def _reasons(row: Mapping[str, Any], L: Lang = EN) -> list[str]:
    """The failures of a worst-week row in words, heaviest first (``reason.<column>``)."""
    return [L.n(f"reason.{col}", n) for col in WORST_REASONS if (n := row.get(col) or 0)]


# ---------------------------------------------------------------- rendering


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=_compiled_templates(),
        autoescape=True,  # every string from the data (subjects, reasons, regions) is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The filters write in the language of the report being rendered (its context's `L`).
    env.filters["fmt"] = jinja2.pass_context(lambda c, v, metric: fmt_value(metric, v, c["L"]))
    env.filters["label"] = jinja2.pass_context(lambda c, metric: c["L"].label(metric))
    env.filters["short"] = jinja2.pass_context(lambda c, v: _short(v, c["L"]))
    env.filters["num"] = jinja2.pass_context(lambda c, v: _num(v, c["L"]))
    env.filters["money"] = jinja2.pass_context(lambda c, v: c["L"].num(v or 0, 2))
    env.filters["date"] = jinja2.pass_context(lambda c, v: c["L"].date(v))
    env.filters["when"] = jinja2.pass_context(lambda c, v: c["L"].when(v))
    env.filters["flag"] = jinja2.pass_context(lambda c, v: c["L"].flag(v))
    # The marts name the slice of events without a queue/category/technician "(none)".
    env.filters["slice"] = jinja2.pass_context(
        lambda c, v: c["L"].t("report.no_slice") if v == NO_REGION else v
    )
    return env


def _compiled_templates() -> Any:
    """Jinja's own cache of compiled templates (as Python keeps .pyc files): compiling the
    report's templates is ~0.15 s of each report. It holds code, never data: an entry is used
    only while its template's text is unchanged (Jinja compares a checksum) and for this Python.
    Jinja's default folder (``$TMPDIR/_jinja2-cache-<uid>``, mode 700, refused when another user
    owns it); none when it cannot be made, and the templates are compiled as before."""
    import jinja2

    class Cache(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):  # a full or read-only disk: only not kept
                super().dump_bytecode(bucket)

    try:
        return Cache()
    except (OSError, RuntimeError):
        return None


def _num(value: Any, L: Lang) -> str:
    if value is None:
        return "–"
    return L.num(value, 0 if float(value).is_integer() else 2)


def _short(text: Any, L: Lang = EN) -> str:
    """A number written with too many digits (an observed value) shortened; other text as is."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        return str(text)[:160]
    return L.num(number, 0 if number.is_integer() else min(4, max(0, 3 - _magnitude(number))))


def _magnitude(number: float) -> int:
    import math

    return int(math.floor(math.log10(abs(number)))) if number else 0


MODES = ("full", "print", "email")


def render(report: Report, mode: str = "full", appendix: bool = True) -> str:
    """The report as HTML: ``full`` (the file: static SVG charts, the journeys' appendix),
    ``print`` (what the PDF is printed from: the appendix only with `appendix`) or ``email``
    (the message body: no chart, no appendix). No script in any of them."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    charts: dict[str, str] = {}
    if mode != "email":
        from ecoute.reports.charts import charts_for

        charts = charts_for(report)
    template = _environment().get_template("weekly.html.j2")
    targets = report.context["_targets_raw"]
    L = report.L
    return template.render(
        **report.context,
        mode=mode,
        appendix=mode == "full" or (mode == "print" and appendix),
        charts=charts,
        L=L,
        t=L.t,
        tn=L.n,
        rag_of=lambda metric, value: rag(metric, value, targets),
    )


def text_summary(report: Report) -> str:
    """The plain-text part of the e-mail: the headline numbers and the alerts."""
    ctx, L = report.context, report.L
    lines = [f"{ctx['title']} — {report.week} — {report.scope}", ""]
    if ctx["alerts"]:
        lines.append(L.n("text.alerts", len(ctx["alerts"])))
        lines += [f"  ! {a['text']}" for a in ctx["alerts"]]
        lines.append("")
    headline = next(s for s in ctx["sections"] if s["key"] == "headline")
    last_week = L.t("text.last_week")
    for c in headline["cards"]:
        lines.append(
            f"  {c['label']:<30} {c['value_text']:>10}   {last_week} {c['previous_text']:>10}"
            f"   {c['status_word']}"
        )
    lines += ["", L.t("text.attached")]
    return "\n".join(lines)


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
    scope: str = ""  # the region, or "All regions" in the report's language
    subject: str = ""  # the e-mail's subject in the report's language (before [email] subject)


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
    language: str | None = None,
    appendix: bool | None = None,
) -> Written:
    """Write the week's report (and its PDF) into `out_dir`; return where and what.

    The PDF carries the customers' journeys only with `appendix` (default
    ``[report] pdf_appendix``, off): the HTML file always has them."""
    import tempfile
    import time

    started = time.perf_counter()
    report = collect(con, settings, week_start, region, language)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = report_path(out_dir, report.week, region, "html")
    html_path.write_text(render(report, "full"), encoding="utf-8")
    pdf_path, pdf_error = None, ""
    if pdf:
        from ecoute.reports.pdf import PdfError, html_to_pdf

        if appendix is None:
            appendix = bool(settings.section("report").get("pdf_appendix", False))
        with tempfile.TemporaryDirectory(prefix="ecoute-print-") as tmp:
            printable = Path(tmp) / html_path.name
            printable.write_text(render(report, "print", appendix=appendix), encoding="utf-8")
            try:
                pdf_path = html_to_pdf(
                    printable, report_path(out_dir, report.week, region, "pdf"), settings
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
        scope=report.scope,
        subject=report.L.t("email.subject", week=report.week, scope=report.scope),
    )


def params_json(report: Report) -> str:
    """The parameters in force as JSON (printed in the report's parameters section)."""
    return json.dumps(report.context["params"], ensure_ascii=False, default=str)
