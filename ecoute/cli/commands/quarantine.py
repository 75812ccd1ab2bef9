"""``ecoute quarantine``: the rows a load set aside, with file, line, field and reason."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import row_limit, settings_of, sql, timezone_of
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("quarantine")(quarantine)


def quarantine(
    ctx: typer.Context,
    load: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(metavar="ID", help="Only this load (default: all)."),
    ] = None,
    entity: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="ENTITY", help="Only this entity."),
    ] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", help="At most this many rows (0 = all).", min=0)
    ] = 50,
    top: Annotated[Optional[int], typer.Option(hidden=True)] = None,  # noqa: UP045 - old name
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """List quarantined rows: which file and line, which field, and why. In JSON, the record is
    the row as read, an object."""
    from ecoute.cli.output import emit
    from ecoute.warehouse.connection import connect

    check_format(fmt)
    settings = settings_of(ctx)
    limit = row_limit(limit, top)
    with connect(settings, read_only=True) as con:
        frame = con.execute(sql("quarantine"), [load, load, entity, entity]).pl()
    if limit:
        frame = frame.head(limit)
    emit(frame, fmt, title="Quarantined rows", tz=timezone_of(settings),
         json_columns=("record",), empty="No row is quarantined.")  # fmt: skip
