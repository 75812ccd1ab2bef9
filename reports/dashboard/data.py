"""What the dashboard reads: pre-aggregated marts only, through short read-only connections.

DuckDB lets one process write a file OR many processes read it. So the dashboard never keeps
a connection open (an open reader would block ``ecoute load``): each refresh opens the warehouse
read-only, runs its few queries on the marts and closes it. Results are cached per warehouse
version (the file's and its WAL's size and mtime), so a repeated view does not open the file at
all. While a load holds the write lock, opening fails: the reader retries briefly, then answers
with the last result it had for that view, marked stale (the page says since when), or raises
:class:`WarehouseBusy` when it never had one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from ecoute.core.settings import Settings
from ecoute.reports.metrics import CATALOGUE, build_params, settlement

SQL_DIR = Path(__file__).with_name("sql")
T = TypeVar("T")

# Names, labels and directions are the metric catalogue's (warehouse/metrics.yml).
DEFAULT_KPIS = (
    "inbound_calls",
    "service_level",
    "abandon_rate",
    "callback_rate_after_drop",
    "repeat_contact_rate",
    "missed_visit_rate",
    "first_time_fix_rate",
    "restored_within_target",
)
LABELS = {m.name: m.text() for m in CATALOGUE.metrics}
# `better` is "higher", "lower" or None (a volume, neither good nor bad).
BETTER = {m.name: (None if m.direction == "none" else m.direction) for m in CATALOGUE.metrics}
# Metrics offered for the region ranking (ratios only: they re-aggregate over weeks).
RANKABLE = tuple(
    m.name for m in CATALOGUE.metrics if m.kind == "ratio" and m.whole and m.direction != "none"
)


def kpi(metric: str) -> tuple[str, str, str, str | None]:
    """A tile: metric, label, format (count | pct | num), which direction is better."""
    return (metric, LABELS[CATALOGUE[metric].name], kind_label(metric), BETTER[metric])


QUEUE_METRICS = ("service_level", "abandon_rate")
TEAM_METRICS = ("missed_visit_rate", "first_time_fix_rate")
SLICE_DIMENSIONS = ("segment", "category", "queue", "technician")
DEFAULT_TEAM_PATTERN = r"^(.+)-[0-9]+$"


class WarehouseBusy(RuntimeError):
    """A load holds the warehouse's write lock and no earlier result can stand in."""


BUSY_MESSAGE = (
    "A load is writing to the warehouse: these figures appear when it has finished "
    "(reload the page in a moment)."
)


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Filters:
    """What the executive asked to see. One slice dimension at a time: the marts store region
    crossed with one of segment, category, queue or technician, never two of them together."""

    start: dt.date
    end: dt.date
    region: str | None = None
    dimension: str | None = None  # segment | category | queue | technician (team)
    values: tuple[str, ...] | None = None  # the slice's values (None: the whole team below)
    team: str | None = None  # with dimension == 'technician': one team

    def __post_init__(self) -> None:
        if self.dimension is not None and self.dimension not in SLICE_DIMENSIONS:
            raise ValueError(f"unknown slice dimension {self.dimension!r}")
        if self.start > self.end:
            raise ValueError("the date range starts after it ends")

    @property
    def has_slice(self) -> bool:
        return self.dimension is not None and (bool(self.values) or self.team is not None)

    def params(self, team_re: str) -> dict[str, Any]:
        """The slice as query parameters (region '*' and dimension 'all' when unfiltered)."""
        return {
            "region": self.region or "*",
            "dimension": self.dimension if self.has_slice else "all",
            "slice_values": list(self.values) if self.has_slice and self.values else None,
            "team": self.team if self.has_slice else None,
            "team_re": team_re,
        }

    def describe(self) -> str:
        parts = [f"{self.start:%d %b %Y} – {self.end + dt.timedelta(days=6):%d %b %Y}"]
        parts.append(self.region or "all regions")
        if self.has_slice:
            what = "team" if self.dimension == "technician" else self.dimension
            parts.append(f"{what} {self.team or ', '.join(self.values or ())}")
        return " · ".join(parts)


@dataclass
class Fetched(Generic[T]):
    """A result and, when the warehouse was locked by a load, when that result was read."""

    value: T
    read_at: dt.datetime
    stale: bool = False


@dataclass
class _Entry:
    version: tuple[int, ...]
    value: Any
    read_at: dt.datetime


@dataclass
class Reader:
    """Opens the warehouse read-only per refresh; caches results per warehouse version."""

    settings: Settings
    retries: int = 5
    retry_wait_s: float = 0.1
    max_entries: int = 256
    opened: int = 0  # connections opened (tests and the bench read it)
    _cache: OrderedDict[tuple, _Entry] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pinned: Any = field(default=None, repr=False)

    @property
    def team_re(self) -> str:
        return str(self.settings.section("dashboard").get("team_pattern", DEFAULT_TEAM_PATTERN))

    def version(self) -> tuple[int, ...]:
        """Changes whenever a load or build changes the warehouse file or its WAL."""
        out: list[int] = []
        for path in (Path(self.settings.warehouse), Path(f"{self.settings.warehouse}.wal")):
            try:
                st = path.stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

    def fetch(
        self, key: tuple, compute: Callable[[Any], T], wait_s: float | None = None
    ) -> Fetched[T]:
        """`compute(con)` on a fresh read-only connection, or the cached result of `key`.

        While a load holds the file, a page refresh must not hang: by default the opening is
        tried ``retries + 1`` times ``retry_wait_s`` apart, then the last result read for `key`
        stands in (marked stale). `wait_s` waits that long instead, saying so on stderr (the
        dashboard's start-up read: there is no earlier result to show)."""
        if self._pinned is not None:  # inside session(): one connection, one warehouse state
            return Fetched(compute(self._pinned), dt.datetime.now(dt.UTC))
        version = self.version()
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None and entry.version == version:
                self._cache.move_to_end(key)
                return Fetched(entry.value, entry.read_at)
        con, last_error = self._open(wait_s)
        if con is None:
            return self._stale(key, last_error)
        try:
            self.opened += 1
            value = compute(con)
        finally:
            con.close()  # never hold the file between refreshes: a load must get its lock
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            self._cache[key] = _Entry(version, value, now)
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return Fetched(value, now)

    @contextlib.contextmanager
    def session(self, wait_s: float) -> Iterator[None]:
        """Within it, every fetch reads through ONE read-only connection, opened after waiting
        up to `wait_s` for a running load (saying so on stderr): figures read together come
        from one state of the warehouse, before a load or after it. For one-shot readers (the
        static export), never for the live app, whose refreshes must not hold the file."""
        con, why = self._open(wait_s)
        if con is None:
            raise WarehouseBusy(str(why)) from why
        self._pinned = con
        try:
            yield
        finally:
            self._pinned = None
            con.close()

    def _open(self, wait_s: float | None) -> tuple[Any, Exception | None]:
        """(read-only connection, None), or (None, why) when a load kept the file locked."""
        from ecoute.warehouse.connection import WarehouseBusy, connect

        if wait_s is not None:
            try:
                return connect(self.settings, read_only=True, wait_s=wait_s), None
            except WarehouseBusy as exc:
                return None, exc
        last_error: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                return connect(self.settings, read_only=True, wait_s=0, notify=None), None
            except WarehouseBusy as exc:
                last_error = exc
                if attempt < self.retries:
                    time.sleep(self.retry_wait_s)
        return None, last_error

    def _stale(self, key: tuple, why: Exception | None) -> Fetched:
        with self._lock:
            entry = self._cache.get(key)
        if entry is not None:
            return Fetched(entry.value, entry.read_at, stale=True)
        raise WarehouseBusy(BUSY_MESSAGE) from why


# ---------------------------------------------------------------------------------------------
# Queries. Each takes an open connection and returns plain Python values (cacheable, JSON-able).


def _rows(con: Any, name: str, params: dict[str, Any], **fmt: str) -> list[dict[str, Any]]:
    text = sql(name).format(**fmt) if fmt else sql(name)
    cur = con.execute(text, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def ratio(numerator: float | None, denominator: float | None, kind: str) -> float | None:
    """A metric's value from summed parts: counts are the numerator, the rest num/den."""
    if kind == "count":
        return float(numerator or 0.0)
    if not denominator:
        return None
    return float(numerator or 0.0) / float(denominator)


def kind_of(metric: str) -> str:
    return CATALOGUE[metric].kind


def kind_label(metric: str) -> str:
    """How a tile formats a metric: counts as numbers, ratios as percentages."""
    kind = kind_of(metric)
    return "count" if kind == "count" else "pct" if kind == "ratio" else "num"


def periods(con: Any) -> dict[str, Any]:
    """ISO weeks present, the last complete one, and the data's local horizon."""
    rows = _rows(con, "periods", {})
    weeks = [r["week_start"] for r in rows]
    complete = [r["week_start"] for r in rows if r["is_complete"]]
    horizon = rows[0]["horizon_local"] if rows else None
    return {
        "weeks": weeks,
        "last_complete": complete[-1] if complete else (weeks[-1] if weeks else None),
        "horizon_local": horizon,
    }


def options(con: Any) -> dict[str, Any]:
    """Filter choices and, per metric, the slice dimensions the marts record it by."""
    rows = _rows(con, "options", {})
    values: dict[str, list[str]] = {"region": [], "segment": [], "category": []}
    by_metric: dict[str, list[str]] = {}
    for r in rows:
        if r["what"] == "value":
            values.setdefault(r["dimension"], []).append(r["value"])
        else:
            by_metric.setdefault(r["value"], []).append(r["dimension"])
    return {"values": values, "metric_dimensions": by_metric}


def has_table(con: Any, schema: str, name: str) -> bool:
    return bool(con.execute(sql("has_table"), {"schema": schema, "name": name}).fetchone()[0])


def metric_series(
    con: Any,
    filters: Filters,
    metrics: Sequence[str],
    team_re: str,
    grain: str = "week",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, list[tuple[dt.date, float | None]]]:
    """metric → [(period, value)] for the filters' slice; weekly or daily."""
    table, period = (
        ("marts.rpt_metrics__weekly", "week_start")
        if grain == "week"
        else ("marts.rpt_metrics__daily", "metric_date")
    )
    last = end or filters.end
    if grain == "day":
        last = last + dt.timedelta(days=6)
    params = {
        "start": start or filters.start,
        "end": last,
        "metrics": list(metrics),
        **filters.params(team_re),
    }
    out: dict[str, list[tuple[dt.date, float | None]]] = {m: [] for m in metrics}
    for r in _rows(con, "metrics_by_period", params, table=table, period=period):
        out[r["metric"]].append((r["period"], ratio(r["numerator"], r["denominator"], r["kind"])))
    return out


def _period_days(grain: str) -> int:
    return 7 if grain == "week" else 1


def kpis(con: Any, filters: Filters, team_re: str, metrics: Sequence[str]) -> dict[str, Any]:
    """Each KPI's value in the range's last week and the week before, with whether that week
    is settled and when it will be (catalogue ``settles``; a tile shows an unsettled value as
    such, never as a number)."""
    previous_week = filters.end - dt.timedelta(days=7)
    series = metric_series(con, filters, metrics, team_re, start=previous_week, end=filters.end)
    params = build_params(con)
    out: dict[str, Any] = {}
    for metric in metrics:
        points = dict(series.get(metric, []))
        now = settlement(metric, filters.end, 7, params)
        before = settlement(metric, previous_week, 7, params)
        out[metric] = {
            "value": points.get(filters.end),
            "previous": points.get(previous_week) if before.settled else None,
            "week": filters.end,
            **now.as_dict(),
        }
    return {"week": filters.end, "previous_week": previous_week, "metrics": out}


def settled_series(
    con: Any, series: dict[str, list[tuple[dt.date, float | None]]], grain: str = "week"
) -> dict:
    """The series without the periods whose value is not final yet (no unsettled point)."""
    params = build_params(con)
    days = _period_days(grain)
    return {
        metric: [(p, v) for p, v in points if settlement(metric, p, days, params).settled]
        for metric, points in series.items()
    }


def by_region(con: Any, filters: Filters, metric: str, team_re: str) -> list[dict[str, Any]]:
    """One metric per region over the range, worst first."""
    params = {
        "start": filters.start,
        "end": filters.end,
        "metric": metric,
        **filters.params(team_re),
    }
    params.pop("region")
    kind = kind_of(metric)
    rows = [
        {"region": r["region"], "value": ratio(r["numerator"], r["denominator"], kind),
         "denominator": r["denominator"]}
        for r in _rows(con, "metrics_by_region", params)
    ]  # fmt: skip
    rows = [r for r in rows if r["value"] is not None]
    worse_high = BETTER.get(metric) != "higher"
    rows.sort(key=lambda r: (r["value"], r["region"]), reverse=worse_high)
    return rows


def by_value(
    con: Any, filters: Filters, dimension: str, metrics: Sequence[str], team_re: str
) -> list[dict[str, Any]]:
    """Metrics per queue or per technician team over the range, in the selected region."""
    params = {
        "start": filters.start,
        "end": filters.end,
        "metrics": list(metrics),
        "region": filters.region or "*",
        "dimension": dimension,
        "team_re": team_re,
    }
    table: dict[str, dict[str, Any]] = {}
    for r in _rows(con, "metrics_by_value", params):
        row = table.setdefault(r["value"], {"value": r["value"]})
        row[r["metric"]] = ratio(r["numerator"], r["denominator"], kind_of(r["metric"]))
        row[f"{r['metric']}__n"] = r["denominator"]
    return sorted(table.values(), key=lambda row: row["value"])


def worst_customers(con: Any, filters: Filters, top: int) -> list[dict[str, Any]]:
    segments = list(filters.values) if filters.dimension == "segment" and filters.values else None
    params = {
        "start": filters.start,
        "end": filters.end,
        "region": filters.region,
        "segments": segments,
        "top": top,
    }
    return _rows(con, "worst_customers", params)


def risk(
    con: Any, filters: Filters, top: int, customers: bool, latest: bool = False
) -> dict[str, Any]:
    """Risk bands (and the riskiest customers) at the latest cut-off up to the range's end, or
    the latest of all when `latest` (the range ends at the data's last week: "now")."""
    segments = list(filters.values) if filters.dimension == "segment" and filters.values else None
    params = {
        "region": filters.region,
        "segments": segments,
        "range_end": None if latest else filters.end + dt.timedelta(days=7),
    }
    out: dict[str, Any] = {"bands": _rows(con, "risk_bands", params), "customers": []}
    if customers:
        out["customers"] = _rows(con, "risk_customers", {**params, "top": top})
    return out


def journey(con: Any, customer_id: str) -> dict[str, Any]:
    from ecoute.reports.journey import customer_journey

    return customer_journey(con, customer_id)


def default_filters(period: dict[str, Any], weeks: int) -> Filters:
    """The last `weeks` complete ISO weeks."""
    end = period["last_complete"]
    present = [w for w in period["weeks"] if w <= end]
    start = present[-weeks] if len(present) >= weeks else present[0]
    return Filters(start=start, end=end)


def with_slice(filters: Filters, dimension: str | None, values: Sequence[str] | None = None,
               team: str | None = None) -> Filters:  # fmt: skip
    return replace(
        filters, dimension=dimension, values=tuple(values) if values else None, team=team
    )
