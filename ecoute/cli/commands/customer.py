"""``ecoute customer ID``: one customer's journey, event by event, with what went wrong."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, legacy_format, settings_of
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("customer")(customer)


def customer(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer's id, as in the exports.")],
    as_of: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(help="Show the journey as of the end of this local date (YYYY-MM-DD)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP + " CSV: one row per event."),
    ] = "table",
) -> None:
    """Every call, ticket, appointment, message and notification of a customer in time order,
    each flagged (dropped, no callback, repeat, unlogged, missed visit, unannounced,
    whole-day window, days without service), and a summary of counts."""
    import duckdb

    from ecoute.cli.output import emit, say, write_json
    from ecoute.reports.journey import customer_journey
    from ecoute.warehouse.connection import WarehouseMissing, connect

    fmt = check_format(legacy_format(fmt))
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of must be a date like 2026-07-05, got {as_of!r}", 2)
    try:
        con = connect(settings_of(ctx), read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        journey = customer_journey(con, customer_id, day)
    except duckdb.CatalogException:
        fail("the journey mart is missing: run `ecoute build` first")
    finally:
        con.close()
    if not journey["events"]:
        fail(
            f"no events for customer {customer_id!r}: no such customer, or none before the cut-off",
            2,
        )
    if fmt == "json":
        write_json(journey)
    elif fmt == "csv":
        emit([_flat(e) for e in journey["events"]], "csv")
    else:
        say(_text(journey))


def _flat(event: dict) -> dict:
    return {k: "; ".join(v) if isinstance(v, list) else v for k, v in event.items()}


def _text(journey: dict) -> str:
    when = f" as of {journey['as_of']}" if journey["as_of"] else ""
    lines = [f"Customer {journey['customer_id']}{when} (local time)", ""]
    for e in journey["events"]:
        flags = list(e["flags"])
        if "days_without_service" in e:
            flags.append(f"{e['days_without_service']:g} days without service")
        flag_text = f"  ⚠ {', '.join(flags)}" if flags else ""
        lines.append(f"{e['local_at']}  {e['kind']:<12} {e['id']:<12} {e['detail']}{flag_text}")
    s = journey["summary"]
    lines += ["", "Summary: " + ", ".join(f"{n} {k}" for k, n in s["by_kind"].items())]
    if s["by_flag"]:
        lines.append("What went wrong: " + ", ".join(f"{k} ×{n}" for k, n in s["by_flag"].items()))
    lines.append(f"Days without service: {s['days_without_service']:g}")
    return "\n".join(lines)
