"""``ecoute compensation``: what the operator owes, per customer and incident, with its trace."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of
from ecoute.cli.output import FORMAT_HELP, check_format

COLUMNS = (
    "customer_id",
    "incident_id",
    "incident_kind",
    "pack",
    "rule",
    "accrued_date",
    "amount",
    "currency",
    "paid_amount",
    "outstanding_amount",
    "trace",
)

UNKNOWN = "unknown (no payments loaded)"


def register(app: typer.Typer) -> None:
    app.command("compensation")(compensation)


def compensation(
    ctx: typer.Context,
    week: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            metavar="WEEK", help="ISO week, e.g. 2026-W14 (by the date the amount became due)."
        ),
    ] = None,
    customer: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="ID", help="One customer id."),
    ] = None,
    pack: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="PACK", help="One rule pack (computed now, as of the data's end, if not built)."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
    trace: Annotated[
        bool,
        typer.Option("--trace", help="Under each incident, how it was worked out, day by day."),
    ] = False,
) -> None:
    """What the operator owes: one line per incident (rule, started days, amount) and a total
    per customer, from core.fct_compensation (docs/compensation.md). JSON and CSV carry the
    full trace (which rule, which events, which days)."""
    import json

    import duckdb

    from ecoute.cli.output import write_csv, write_json
    from ecoute.warehouse.connection import WarehouseMissing, connect

    if week and customer:
        fail("give --week or --customer, not both", 2)
    check_format(fmt)
    settings = settings_of(ctx)
    try:
        con = connect(settings, read_only=pack is None)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        if pack is not None and not _has_pack(con, pack):
            _build_pack(con, pack, settings)
        rows = _owed(con, week, customer, pack)
    except duckdb.CatalogException:
        fail("core.fct_compensation is missing: run `ecoute build` (or pass --pack NAME)")
    except (ValueError, FileNotFoundError) as exc:  # a pack's own errors are ValueErrors too
        fail(str(exc), 2)
    finally:
        con.close()
    if fmt == "json":
        records = [
            {**{c: r[c] for c in COLUMNS}, "trace_data": json.loads(r["trace_json"] or "null")}
            for r in rows
        ]
        write_json(records)
    elif fmt == "csv":
        write_csv(COLUMNS, rows)
    else:
        _table(rows, week, customer, pack, trace)


def _owed(con, week: str | None, customer: str | None, pack: str | None) -> list[dict]:  # noqa: ANN001
    """Rows of core.fct_compensation by the build's own query, as dicts: the model's module
    (polars, the rule engine) is not imported to read a few hundred rows."""
    from ecoute.warehouse.python.owed import owed_sql

    cursor = con.execute(owed_sql(week, customer, pack))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _table(rows: list[dict], week: str | None, customer: str | None, pack: str | None,
           trace: bool) -> None:  # fmt: skip
    from ecoute.cli.output import say, table

    scope = " · ".join(
        p for p in (f"week {week}" if week else "", f"customer {customer}" if customer else "",
                    f"pack {pack}" if pack else "") if p
    )  # fmt: skip
    if not rows:
        say(f"Nothing owed{' for ' + scope if scope else ''}.")
        return
    title = f"Compensation owed{' — ' + scope if scope else ''}: one line per incident"
    header = ["customer", "incident", "kind", "rule", "due from", "days", "amount", "outstanding"]
    body, traces = [], []
    for customer_id, mine in _by_customer(rows):
        for r in mine:
            body.append([customer_id, r["incident_id"], r["incident_kind"],
                         f"{r['pack']}/{r['rule']}", r["accrued_date"].isoformat(),
                         _days(r), _money(r["currency"], r["amount"]),
                         _money(r["currency"], r["outstanding_amount"])])  # fmt: skip
            traces.append(r)
        body.append(_total_row(customer_id, mine))
        traces.append(None)
    if trace:
        _traced(header, body, traces, title)
    else:
        table(header, body, title, numeric=[False] * 5 + [True] * 3)
    say()
    for currency in sorted({r["currency"] for r in rows}):
        owed = [r for r in rows if r["currency"] == currency]
        n = len({r["customer_id"] for r in owed})
        amount = sum(r["amount"] for r in owed)
        say(f"total {_money(currency, amount)} owed to {n:,} customer{'s' * (n != 1)}")
        outstanding = [r["outstanding_amount"] for r in owed]
        known = all(o is not None for o in outstanding)
        say(f"still outstanding: {_money(currency, sum(outstanding)) if known else UNKNOWN}")


def _by_customer(rows: list[dict]):  # noqa: ANN202
    ordered = sorted(rows, key=lambda r: (r["customer_id"], r["accrued_date"], r["incident_id"]))
    groups: dict[str, list[dict]] = {}
    for r in ordered:
        groups.setdefault(r["customer_id"], []).append(r)
    return groups.items()


def _total_row(customer_id: str, rows: list[dict]) -> list[str]:
    currencies = {r["currency"] for r in rows}
    n = len(rows)
    label = f"total, {n:,} incident{'s' * (n != 1)}"
    if len(currencies) != 1:
        return [customer_id, "", "", label, "", "", "several currencies", ""]
    currency = currencies.pop()
    outstanding = [r["outstanding_amount"] for r in rows]
    known = all(o is not None for o in outstanding)
    return [customer_id, "", "", label, "", "", _money(currency, sum(r["amount"] for r in rows)),
            _money(currency, sum(outstanding) if known else None)]  # fmt: skip


def _money(currency: str, amount) -> str:  # noqa: ANN001 - Decimal or None
    return "unknown" if amount is None else f"{currency} {amount:,.2f}"


def _days(row: dict) -> str:
    """Started days (24-hour periods) of an outage; a one-off event has none."""
    import json

    data = json.loads(row.get("trace_json") or "null") or {}
    periods = data.get("periods")
    return f"{len(periods):,}" if periods else ""


def _traced(header: list[str], body: list[list[str]], rows: list, title: str) -> None:
    """Each incident's line, then its trace: the reasoning, then one line per day."""
    import json

    from ecoute.cli.output import plain_lines, say

    lines = plain_lines(header, body, [False] * 5 + [True] * 3)
    say(title)
    say()
    say(lines[0])
    for line, row in zip(lines[1:], rows, strict=True):
        say(line)
        if row is None:
            continue
        data = json.loads(row.get("trace_json") or "null") or {}
        days = [p.get("words", "") for p in data.get("periods") or []]
        summary = row["trace"] or ""
        if days:  # the day-by-day part follows on its own lines
            summary = summary.split(" period 1 due")[0]
        say(f"    {summary}")
        for day in days:
            say(f"      {day}")


def _has_pack(con, pack: str) -> bool:  # noqa: ANN001
    try:
        return con.execute(
            "select count(*) > 0 from core.fct_compensation where pack = ?", [pack]
        ).fetchone()[0]
    except Exception:  # noqa: BLE001 - no table yet: the pack is not built
        return False


def _build_pack(con, pack: str, settings) -> None:  # noqa: ANN001
    """Compute one pack into core.fct_compensation, as of the data's horizon (never the clock)."""
    from ecoute.warehouse.python.compensation import build_compensation

    horizon = con.execute("select horizon_at from intermediate.int_data__horizon").fetchone()
    tz = settings.section("compensation")["timezone"] or settings.metrics["timezone"]
    build_compensation(con, pack, tz, as_of=horizon[0] if horizon else None)
