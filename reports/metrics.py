"""The metrics of a week, read from the marts: nothing here recomputes a metric.

Every number comes from ``marts.rpt_metrics__weekly`` (built by the warehouse from the facts'
flags); this module only picks the week, the previous week and the slice, and fills in the
metrics a week has no events for. The parameters shown are the ones the marts were built
with (``marts.rpt_metrics__params``), not the configuration read today.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal

INTENTS = (
    "churn_threat",
    "ombudsman_threat",
    "compensation_request",
    "apology_request",
    "missed_appointment",
    "no_callback",
    "dropped_call",
    "repeat_contact",
    "outage",
    "wifi",
    "billing",
)

BACKLOG_AGES = ("age_le_2d", "age_3_7d", "age_8_14d", "age_gt_14d")

# Spec names, in the spec's order. Sub-metrics are written `<metric>.<part>`.
METRICS: tuple[str, ...] = (
    "inbound_calls",
    "abandon_rate",
    "service_level",
    "dropped_call_rate",
    "callback_rate_after_drop",
    "customer_recall_after_drop",
    "repeat_contact_rate",
    "fcr_rate",
    "unlogged_call_rate",
    "context_loss_rate",
    "avg_handle_time_s",
    "appointments_due",
    "missed_visit_rate",
    "unannounced_miss_rate",
    "median_lead_time_days",
    "p90_lead_time_days",
    "wide_window_share",
    "window_adherence",
    "first_time_fix_rate",
    "time_to_restore_p50_h",
    "time_to_restore_p80_h",
    "time_to_restore_p95_h",
    "restored_within_target",
    "open_fault_backlog",
    *(f"open_fault_backlog.{age}" for age in BACKLOG_AGES),
    "reopen_rate",
    "contacts_per_ticket",
    "outage_notified_rate",
    "complaint_count",
    *(f"complaint_intent_share.{intent}" for intent in INTENTS),
)

COUNTS = {"inbound_calls", "appointments_due", "complaint_count", "open_fault_backlog"} | {
    f"open_fault_backlog.{age}" for age in BACKLOG_AGES
}
PERCENTILES = {
    "median_lead_time_days",
    "p90_lead_time_days",
    "time_to_restore_p50_h",
    "time_to_restore_p80_h",
    "time_to_restore_p95_h",
}
DIMENSIONS = ("region", "segment", "queue", "agent", "technician", "category")

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
    if metric in COUNTS:
        return "count"
    if metric in PERCENTILES:
        return "percentile"
    if metric in ("avg_handle_time_s", "contacts_per_ticket"):
        return "mean"
    return "ratio"


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
    for metric in METRICS:
        if by is None:
            result["metrics"][metric] = _cell(cells, weeks, weeks_present, metric, "*")
        else:
            result["metrics"][metric] = {
                s: _cell(cells, weeks, weeks_present, metric, s) for s in sorted(slices)
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


WORST_COLUMNS = (
    "rank",
    "customer_id",
    "region",
    "segment",
    "score",
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
