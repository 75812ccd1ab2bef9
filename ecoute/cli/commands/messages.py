"""``ecoute messages``: what customers wrote in a week, with the intents read in each message."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import parse_week, settings_of


def register(app: typer.Typer) -> None:
    app.command("messages")(messages)


def messages(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W27.")],
    intent: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Only messages carrying this intent (e.g. churn_threat)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many messages (0 = all).")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """List a week's messages with their intents and the phrases that triggered them."""
    from ecoute.cli.output import emit
    from ecoute.core.sql_literals import literal
    from ecoute.warehouse.connection import connect

    monday = parse_week(week)
    con = connect(settings_of(ctx), read_only=True)
    sql = (
        "select message_id, customer_id, received_at, channel, language, round(severity, 2) "
        "as severity, intents, intent_phrases, left(coalesce(subject || ' — ', '') || body, 120) "
        "as text from marts.rpt_messages__intents where week_start_date = {monday} "
        "and ({intent} is null or list_contains(intents, {intent})) "
        "order by severity desc, received_at"
    )
    if limit:
        sql += f" limit {int(limit)}"
    # Literals, not bound values: binding makes DuckDB import pandas (~1 s of this read).
    sql = sql.format(monday=literal(monday), intent=literal(intent))
    emit(con.execute(sql).pl(), fmt, title=f"messages {week}")
