"""``ecoute quarantine``: the rows a load set aside, with file, line, field and reason."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import settings_of


def register(app: typer.Typer) -> None:
    app.command("quarantine")(quarantine)


def quarantine(
    ctx: typer.Context,
    load: Annotated[Optional[int], typer.Option(help="Only this load (default: all).")] = None,  # noqa: UP045
    entity: Annotated[Optional[str], typer.Option(help="Only this entity.")] = None,  # noqa: UP045
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """List quarantined rows: which file and line, which field, and why."""
    from ecoute.cli.output import emit
    from ecoute.warehouse.connection import connect

    con = connect(settings_of(ctx), read_only=True)
    where, params = [], []
    if load is not None:
        where.append("load_id = ?")
        params.append(load)
    if entity:
        where.append("entity = ?")
        params.append(entity)
    clause = f"where {' and '.join(where)}" if where else ""
    sql = (
        "select load_id, entity, source_file, line, field, reason, record from meta.quarantine "
        f"{clause} order by load_id, entity, source_file, line"
    )
    if limit:
        sql += f" limit {int(limit)}"
    emit(con.execute(sql, params).pl(), fmt, title="quarantined rows")
