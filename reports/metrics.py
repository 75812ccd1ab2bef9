"""The metrics of a week, read from the marts: nothing here recomputes a metric.

Which metrics exist, their kinds, targets and settling rules come from the metric catalogue
(``ecoute.warehouse.catalogue``); every value carries whether its week is settled
(:func:`settlement`), and every reader shows an unsettled one with :func:`shown`.

Every number comes from ``marts.rpt_metrics__weekly`` (built by the warehouse from the facts'
flags); this module only picks the week, the previous week and the slice, and fills in the
metrics a week has no events for. The parameters shown are the ones the marts were built
with (``marts.rpt_metrics__params``), not the configuration read today.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.warehouse.catalogue import load as load_catalogue

CATALOGUE = load_catalogue()

# Every name the marts store, in the catalogue's order; parts are written `<metric>.<part>`.
METRICS: tuple[str, ...] = CATALOGUE.stored
INTENTS = tuple(part for part, _ in CATALOGUE["complaint_intent_share"].parts)
BACKLOG_AGES = tuple(part for part, _ in CATALOGUE["open_fault_backlog"].parts)
DIMENSIONS = ("region", "segment", "queue", "agent", "technician", "category")
NOT_SETTLED = "not settled yet (final on {date})"


class TargetsError(ValueError):
    """The configuration's targets name an unknown metric or use the retired table."""


def targets_of(settings: Settings) -> dict[str, dict[str, float]]:
    """Each metric's target in force: the catalogue's default, overridden by ``[targets]``.

    One table: the retired ``[dashboard.targets]`` is refused when the settings are read
    (ecoute.core.settings)."""
    out = {name: {"green": t.green, "red": t.red} for name, t in CATALOGUE.targets().items()}
    for name, value in settings.section("targets").items():
        if CATALOGUE.get(name) is None:
            raise TargetsError(f"[targets] {name}: not a metric of {CATALOGUE.path.name}")
        if not (isinstance(value, Mapping) and {"green", "red"} <= set(value)):
            raise TargetsError(f"[targets] {name} must be {{ green = …, red = … }}, got {value!r}")
        out[name] = {"green": float(value["green"]), "red": float(value["red"])}
    return out


# ------------------------------------------------------------------ settled or not


@dataclass(frozen=True)
class Settlement:
    """Whether a metric's value for a period is final at the data's horizon, and from when."""

    settled: bool
    settles_on: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "settled": self.settled,
            "settles_on": None if self.settles_on is None else self.settles_on.isoformat(),
        }


def settlement(
    metric: str, period_start: dt.date, days: int, params: Mapping[str, Any]
) -> Settlement:
    """A period of `days` days is final once the data reaches far enough past it.

    A windowed metric (catalogue ``settles``, a build parameter) is final when the period's end
    plus its window is at or before the horizon its flags use. A metric without a window (a
    count, a share of what happened) is final once the horizon's local date reaches the
    period's last day: data that ends on Sunday evening closes that week, where "the day after"
    would leave the data's last week unsettled for ever. ``settles_on`` is the local date.
    """
    rule = CATALOGUE[metric].settles
    tz = ZoneInfo(str(params.get("timezone") or "UTC"))
    key = "contacts_horizon_at" if rule.horizon == "contacts" else "data_horizon_at"
    horizon = params.get(key) or params.get("data_horizon_at")
    if rule.window is None:
        last_day = period_start + dt.timedelta(days=days - 1)
        settled = horizon is None or _instant(horizon).astimezone(tz).date() >= last_day
        return Settlement(settled, last_day)
    settles_at = dt.datetime.combine(period_start + dt.timedelta(days=days), dt.time(0), tz)
    settles_at += dt.timedelta(**{rule.unit: float(params.get(rule.window) or 0)})
    settled = horizon is None or _instant(horizon) >= settles_at
    return Settlement(settled, settles_at.date())


def _instant(text: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def not_settled_text(settles_on: dt.date | str | None) -> str:
    """What every reader shows instead of an unsettled value (CLI, report, dashboard)."""
    date = settles_on.isoformat() if isinstance(settles_on, dt.date) else settles_on
    return NOT_SETTLED.format(date=date or "?")


def shown(cell: Mapping[str, Any], text: str, previous: bool = False) -> str:
    """A formatted value, or the not-settled text when the cell's period (its previous
    week's, with `previous`) is not final."""
    prefix = "previous_" if previous else ""
    if cell.get(f"{prefix}settled", True):
        return text
    return not_settled_text(cell.get(f"{prefix}settles_on"))


_WEEK_ROWS = """
    select week_start, metric, region, dimension_value, numerator, denominator, value
    from marts.rpt_metrics__weekly
    where week_start in ({}, {}) and dimension = {} and (region = {} or ({} and region <> '*'))
"""
_WEEKS_PRESENT = (
    "select distinct week_start from marts.rpt_metrics__weekly where week_start in ({}, {})"
)


def _query(con: duckdb.DuckDBPyConnection, sql: str, *values: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql.format(*(literal(v) for v in values))).fetchall()


def kind_of(metric: str) -> str:
    """count, percentile, mean or ratio: how a metric's value relates to its num/den."""
    return CATALOGUE[metric].kind


def build_params(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The parameters in force when the marts were built, and the data's horizon."""
    rows = con.execute("select name, value from marts.rpt_metrics__params").fetchall()
    return {name: json.loads(value) if value is not None else None for name, value in rows}


def week_metrics(
    con: duckdb.DuckDBPyConnection,
    week_start: dt.date,
    by: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Every metric of the ISO week starting `week_start`, with the previous week's value.

    Without `by`: ``metrics[name] = {value, numerator, denominator, previous, kind}``.
    With `by` (one of DIMENSIONS): ``metrics[name] = {slice_value: {...same keys...}}``.
    `region` restricts to one region (crossed with `by`, except agent, which is not stored
    per region). A metric with no events in the week reads 0 (counts) or None (rates).
    """
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"--by must be one of {', '.join(DIMENSIONS)}, got {by!r}")
    if by == "agent" and region is not None:
        raise ValueError("agent slices are not stored per region; query core.fct_calls instead")
    previous_start = week_start - dt.timedelta(days=7)
    dimension = "all" if by in (None, "region") else by
    all_regions = by == "region" and region is None
    region_arg = None if all_regions else (region or "*")
    args = (week_start, previous_start, dimension, region_arg, all_regions)
    rows = _query(con, _WEEK_ROWS, *args)
    weeks_present = {r[0] for r in _query(con, _WEEKS_PRESENT, week_start, previous_start)}
    cells: dict[tuple[dt.date, str, str], tuple[Any, Any, Any]] = {}
    slices: set[str] = set()
    for start, metric, reg, value_of_dim, num, den, value in rows:
        slice_key = reg if by == "region" else value_of_dim
        cells[(start, metric, slice_key)] = (num, den, value)
        slices.add(slice_key)
    year, week, _ = week_start.isocalendar()
    result: dict[str, Any] = {
        "week": f"{year}-W{week:02d}",
        "week_start": week_start.isoformat(),
        "by": by,
        "region": region,
        "params": build_params(con),
        "metrics": {},
    }
    weeks = (week_start, previous_start)
    params = result["params"]
    for metric in METRICS:
        now, before = (settlement(metric, w, 7, params) for w in weeks)
        extra = {
            **now.as_dict(),
            "previous_settled": before.settled,
            "previous_settles_on": before.as_dict()["settles_on"],
        }
        if by is None:
            result["metrics"][metric] = {
                **_cell(cells, weeks, weeks_present, metric, "*"), **extra
            }
        else:
            result["metrics"][metric] = {
                s: {**_cell(cells, weeks, weeks_present, metric, s), **extra}
                for s in sorted(slices)
            }
    return result


def _cell(
    cells: dict[tuple[dt.date, str, str], tuple[Any, Any, Any]],
    weeks: tuple[dt.date, dt.date],
    weeks_present: set[dt.date],
    metric: str,
    slice_key: str,
) -> dict[str, Any]:
    now, before = (
        _filled(metric, cells.get((w, metric, slice_key)), w in weeks_present) for w in weeks
    )
    return {**now, "previous": before["value"], "kind": kind_of(metric)}


def _filled(metric: str, cell: tuple[Any, Any, Any] | None, week_has_data: bool) -> dict[str, Any]:
    if cell is not None:
        num, den, value = cell
        return {"value": value, "numerator": num, "denominator": den}
    if not week_has_data:
        return {"value": None, "numerator": None, "denominator": None}
    kind = kind_of(metric)
    if kind == "count":
        return {"value": 0.0, "numerator": 0.0, "denominator": None}
    if kind == "percentile":
        return {"value": None, "numerator": None, "denominator": 0.0}
    return {"value": None, "numerator": 0.0, "denominator": 0.0}


def metric_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result of :func:`week_metrics` flattened: one dict per metric (and slice)."""
    rows = []
    for metric, entry in result["metrics"].items():
        if result["by"] is None:
            rows.append({"metric": metric, "slice": "*", **entry})
        else:
            rows.extend({"metric": metric, "slice": s, **e} for s, e in entry.items())
    return rows


# What made a customer's week bad, in the order the worst-weeks mart weighs them; the report
# words each one, the CLI and the dashboard show each as a column.
WORST_REASONS = (
    "missed_unannounced_visits",
    "missed_announced_visits",
    "dropped_without_callback",
    "restore_targets_missed",
    "days_without_service",
    "context_losses",
    "reopened_tickets",
    "repeat_contacts",
    "unlogged_calls",
)

WORST_COLUMNS = (
    "rank",
    "customer_id",
    "region",
    "segment",
    "score",
    *WORST_REASONS,
)


def worst_customers(
    con: duckdb.DuckDBPyConnection, week_start: dt.date, top: int = 10
) -> list[dict[str, Any]]:
    """The `top` customers whose week went worst, in the mart's documented order."""
    cols = ", ".join(WORST_COLUMNS)
    sql = (
        f"select {cols} from marts.rpt_customers__worst_weekly "
        "where week_start = {} and rank <= {} order by rank"
    )
    rows = _query(con, sql, week_start, int(top))
    return [dict(zip(WORST_COLUMNS, row, strict=True)) for row in rows]
