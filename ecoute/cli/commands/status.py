"""``ecoute status``: what the warehouse holds, read from its meta tables (nothing recomputed)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ecoute.cli.commands._common import fail, settings_of, sql, timezone_of, week_label
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """What the warehouse holds: rows per entity, the weeks covered and which are settled
    (final: no later event can change them), regions, the data's horizon, the last load and
    build, and the data-quality checks that failed in the last run."""
    from ecoute.cli.output import emit, write_json
    from ecoute.warehouse.connection import WarehouseMissing, connect

    check_format(fmt)
    settings = settings_of(ctx)
    try:
        con = connect(settings, read_only=True, engine="duckdb")
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        facts = gather(con)
    finally:
        con.close()
    facts = {"warehouse": str(settings.warehouse), **facts}
    if fmt == "json":
        write_json(facts)
    elif fmt == "csv":
        emit(facts["entities"], "csv")
    else:
        _table(facts, timezone_of(settings))


def gather(con: Any) -> dict[str, Any]:
    """Every fact status shows, as JSON-ready values (instants as ISO text)."""
    facts: dict[str, Any] = {
        "entities": _rows(con, "status_entities") or [],
        "last_load": _one(con, "status_last_load"),
        "last_build": _one(con, "status_last_build"),
    }
    facts.update(_weeks(con))
    checks = _one(con, "status_last_check")
    facts["last_check_at"] = checks["checked_at"] if checks else None
    facts["checks_in_last_run"] = checks["checks"] if checks else 0
    facts["failed_checks"] = [
        {**f, "observed": _parsed(f["observed"]), "expected": _parsed(f["expected"])}
        for f in _rows(con, "status_failed_checks") or []
    ]
    return facts


def _weeks(con: Any) -> dict[str, Any]:
    from ecoute.reports.metrics import METRICS, build_params, settlement

    weeks = _rows(con, "weeks")
    if weeks is None:  # not built yet
        return {"weeks": [], "regions": [], "data_horizon_at": None, "built": False}
    params = build_params(con)
    listed = []
    for monday in _span(weeks):
        states = [settlement(m, monday, 7, params) for m in METRICS]
        final = sum(s.settled for s in states)
        settles_on = max((s.settles_on for s in states if s.settles_on), default=None)
        listed.append({"week": week_label(monday), "week_start": monday,
                       "settled": final == len(states), "metrics_final": final,
                       "metrics": len(states), "all_final_on": settles_on})  # fmt: skip
    regions = [r["region"] for r in _rows(con, "regions") or []]
    return {"weeks": listed, "regions": regions,
            "data_horizon_at": params.get("data_horizon_at"), "built": True}  # fmt: skip


def _parsed(text: str | None) -> Any:
    """The checks keep observed and expected values as JSON text: JSON output shows the value."""
    import json

    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return text


def _span(weeks: list[dict[str, Any]]) -> list[dt.date]:
    """Every Monday from the first week held to the last (a week without events included)."""
    if not weeks:
        return []
    first, last = weeks[0]["week_start"], weeks[-1]["week_start"]
    return [first + dt.timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]


def _rows(con: Any, name: str) -> list[dict[str, Any]] | None:
    """The query's rows as dicts, or None when a table it reads does not exist yet."""
    import duckdb

    try:
        cursor = con.execute(sql(name))
    except duckdb.CatalogException:
        return None
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(con: Any, name: str) -> dict[str, Any] | None:
    rows = _rows(con, name)
    return rows[0] if rows else None


# ------------------------------------------------------------------ table


def _table(facts: dict[str, Any], tz: str) -> None:
    from ecoute.cli.output import cell, say, table

    say(f"Warehouse {facts['warehouse']}")
    say()
    table(["entity", "rows"], [[e["entity"], f"{e['rows']:,}"] for e in facts["entities"]],
          "Rows held per entity", numeric=[False, True])  # fmt: skip
    say()
    lines = [("weeks", _weeks_line(facts)), ("settled", _settled_line(facts)),
             ("regions", ", ".join(facts["regions"]) or "none"),
             ("data horizon", _when(facts["data_horizon_at"], tz)),
             ("last load", _load_line(facts["last_load"], tz)),
             ("last build", _build_line(facts["last_build"], tz)),
             ("failed checks", _checks_line(facts, tz))]  # fmt: skip
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        say(f"{key.ljust(width)}  {value}")
    for f in facts["failed_checks"]:
        column = f" ({f['column']})" if f["column"] else ""
        observed = cell(f["observed"])
        say(f"  {f['severity']}: {f['suite']} {f['expectation']}{column}: observed {observed}")


def _weeks_line(facts: dict[str, Any]) -> str:
    weeks = facts["weeks"]
    if not facts["built"]:
        return "the models are not built: run `ecoute build`"
    if not weeks:
        return "none"
    return f"{weeks[0]['week']} to {weeks[-1]['week']} ({len(weeks):,} weeks)"


def _settled_line(facts: dict[str, Any]) -> str:
    weeks = facts["weeks"]
    settled = [w for w in weeks if w["settled"]]
    open_ = [w for w in weeks if not w["settled"]]
    parts = [f"through {settled[-1]['week']}" if settled else "no week yet"]
    for w in open_:
        parts.append(f"{w['week']} {w['metrics_final']:,} of {w['metrics']:,} metrics final, "
                     f"all on {_date(w['all_final_on'])}")  # fmt: skip
    return "; ".join(parts)


def _load_line(load: dict[str, Any] | None, tz: str) -> str:
    if load is None:
        return "none"
    text = (f"#{load['load_id']} {load['status']} {_when(load['started_at'], tz)}: "
            f"{load['rows_read'] or 0:,} rows read, {load['rows_loaded'] or 0:,} loaded, "
            f"{load['rows_quarantined'] or 0:,} quarantined"
            + (f", {load['rows_superseded']:,} older versions superseded"
               if load["rows_superseded"] else "")
            + f", from {load['source']}")  # fmt: skip
    return text + (f" — {load['message']}" if load["message"] else "")


def _build_line(build: dict[str, Any] | None, tz: str) -> str:
    if build is None:
        return "none"
    how = f"{build['kind']} ({build['reason']})" if build["reason"] else build["kind"]
    if build["scope_customers"] is not None:
        how = f"{build['kind']} ({build['scope_customers']:,} customers)"
    return (f"#{build['build_id']} {how} {_when(build['built_at'], tz)}, "
            f"{build['seconds'] or 0:,.1f} s, through load #{build['through_load_id']}")  # fmt: skip


def _checks_line(facts: dict[str, Any], tz: str) -> str:
    if facts["last_check_at"] is None:
        return "no check has run (loads with --no-checks)"
    failed = len(facts["failed_checks"])
    run = f"{facts['checks_in_last_run']:,} checks on {_when(facts['last_check_at'], tz)}"
    return f"{failed:,} of {run}" if failed else f"none of {run}"


def _when(value: Any, tz: str) -> str:
    from ecoute.cli.output import local_time

    if value is None:
        return "unknown"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{local_time(value, tz)} ({tz})"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "?"
