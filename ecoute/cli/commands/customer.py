"""``ecoute customer ID``: one customer's journey, event by event, with what went wrong."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, legacy_format, settings_of
from ecoute.cli.output import FORMAT_HELP, check_format

if TYPE_CHECKING:
    from ecoute.reports.i18n import Lang


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
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """Every call, ticket, appointment, message and notification of a customer in time order,
    each flagged (dropped, no callback, repeat, unlogged, missed visit, unannounced,
    whole-day window, days without service), and a summary of counts."""
    import duckdb

    from ecoute.cli.output import emit, say, write_json
    from ecoute.reports.i18n import LanguageError, words_for
    from ecoute.reports.journey import customer_journey
    from ecoute.warehouse.connection import WarehouseMissing, connect

    fmt = check_format(legacy_format(fmt))
    try:
        words = words_for(settings_of(ctx), lang)
    except LanguageError as exc:
        fail(str(exc), 2)
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
        journey = customer_journey(con, customer_id, day, words)
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
        say(_text(journey, words))


def _flat(event: dict) -> dict:
    """One CSV row: lists joined, the facts as one JSON text (the mart's column)."""
    import json

    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict)
            else "; ".join(v) if isinstance(v, list) else v
            for k, v in event.items()}  # fmt: skip


def _text(journey: dict, L: Lang) -> str:
    day = journey["as_of"]
    title = "cli.customer_as_of" if day else "cli.customer"
    lines = [L.t(title, customer=journey["customer_id"],
                 day=L.date(dt.date.fromisoformat(day)) if day else ""), ""]  # fmt: skip
    for e in journey["events"]:
        flags = [L.flag(f) for f in e["flags"]]
        if "days_without_service" in e:
            flags.append(L.n_count("journeys.days_without_service", e["days_without_service"], 2))
        flag_text = f"  ⚠ {', '.join(flags)}" if flags else ""
        kind = L.opt(f"event.{e['kind']}", e["kind"])
        lines.append(f"{e['local_at']}  {kind:<12} {e['id']:<12} {e['detail']}{flag_text}")
    s = journey["summary"]
    kinds = ", ".join(f"{L.num(n)} {L.opt(f'event.{k}', k)}" for k, n in s["by_kind"].items())
    lines += ["", L.t("cli.summary", events=kinds)]
    if s["by_flag"]:
        wrong = ", ".join(f"{L.flag(k)} ×{L.num(n)}" for k, n in s["by_flag"].items())
        lines.append(L.t("cli.went_wrong", flags=wrong))
    lines.append(L.t("cli.days_without_service", days=L.count(s["days_without_service"], 2)))
    return "\n".join(lines)
