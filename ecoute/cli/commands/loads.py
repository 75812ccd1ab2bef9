"""``ecoute loads``: the load history, per load or per file, with counts and content hashes."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoute.cli.commands._common import settings_of


def register(app: typer.Typer) -> None:
    app.command("loads")(loads)


def loads(
    ctx: typer.Context,
    files: Annotated[
        bool, typer.Option("--files", help="One row per file instead of per load.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """Show the load history: when, from where, and every row accounted for."""
    from ecoute.cli.output import emit
    from ecoute.warehouse.connection import connect

    con = connect(settings_of(ctx), read_only=True)
    if files:
        sql = (
            "select load_id, entity, path, status, rows_read, rows_loaded, rows_updated, "
            "rows_quarantined, rows_duplicate, left(sha256, 12) as sha256 from meta.load_files "
            "order by load_id, entity, path"
        )
    else:
        sql = (
            "select load_id, started_at, status, source, rows_read, rows_loaded, rows_updated, "
            "rows_quarantined, rows_duplicate, message from meta.loads order by load_id"
        )
    emit(con.execute(sql).pl(), fmt, title="loads")
