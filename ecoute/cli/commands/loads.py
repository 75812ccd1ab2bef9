"""``ecoute loads``: the load history, per load or per file, with counts and content hashes."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoute.cli.commands._common import settings_of, sql, timezone_of
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("loads")(loads)


def loads(
    ctx: typer.Context,
    files: Annotated[
        bool, typer.Option("--files", help="One row per file instead of per load.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """Show the load history: when, from where, and every row accounted for."""
    from ecoute.cli.output import emit
    from ecoute.warehouse.connection import connect

    check_format(fmt)
    settings = settings_of(ctx)
    with connect(settings, read_only=True) as con:
        frame = con.execute(sql("load_files" if files else "loads")).pl()
    title = "Files loaded" if files else "Loads"
    emit(frame, fmt, title=title, tz=timezone_of(settings), empty="Nothing was loaded yet.")
