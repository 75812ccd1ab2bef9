"""``ecoute messages``: what customers wrote in a week, with the intents read in each message."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import (
    fail,
    parse_week,
    require_week,
    row_limit,
    settings_of,
    sql,
    timezone_of,
)
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("messages")(messages)


def messages(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(metavar="WEEK", help="ISO week, e.g. 2026-W27.")],
    intent: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="INTENT", help="Only messages carrying this intent (e.g. churn_threat)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", help="At most this many messages (0 = all).", min=0)
    ] = 50,
    top: Annotated[Optional[int], typer.Option(hidden=True)] = None,  # noqa: UP045 - old name
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """List a week's messages with their intents and the phrases that triggered them."""
    from ecoute.cli.output import emit
    from ecoute.core.sql_literals import literal
    from ecoute.warehouse.connection import connect

    check_format(fmt)
    monday = parse_week(week)
    _require_intent(intent)
    settings = settings_of(ctx)
    limit = row_limit(limit, top)
    query = sql("messages").format(monday=literal(monday), intent=literal(intent))
    with connect(settings, read_only=True) as con:
        require_week(con, monday)
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description]
        # A few rows are shown: plain tuples, not a DataFrame (polars costs ~0.3 s to import).
        found = cursor.fetchmany(limit) if limit else cursor.fetchall()
    rows = [dict(zip(names, r, strict=True)) for r in found]
    emit(rows, fmt, title=f"Messages received in {week}", tz=timezone_of(settings),
         columns=names, empty=f"No message received in {week}.")  # fmt: skip


def _require_intent(intent: str | None) -> None:
    """A misspelt intent would list no message, as if nobody had written one."""
    if intent is None:
        return  # the catalogue (YAML) is read only to check an intent given
    from ecoute.reports.metrics import INTENTS

    if intent not in INTENTS:
        fail(f"unknown intent {intent!r}; intents are: {', '.join(INTENTS)}", 2)
