"""``ecoute export lake DIR``: the warehouse as Hive-partitioned Parquet for Spark, Trino, DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecoute.cli.commands._common import fail, settings_of

export_app = typer.Typer(
    rich_markup_mode=None,  # help is plain text: brackets are data, never markup
    help="Write the warehouse out for other engines.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("lake")
def lake(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Lake folder: <schema>/<table>/month=YYYY-MM/.")],
    marts: Annotated[bool, typer.Option(help="Also the marts (report-shaped tables).")] = False,
) -> None:
    """The core tables (facts, dimensions), partitioned by month, plus what a Spark build reads:
    the raw rows and the outputs of the build's Python steps (docs/spark.md)."""
    from ecoute.warehouse.connection import WarehouseMissing, connect
    from ecoute.warehouse.lake import export

    try:
        con = connect(settings_of(ctx), read_only=True, engine="duckdb")
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        done = export(con, out, ("core", "marts") if marts else ("core",))
    finally:
        con.close()
    if not any(name.startswith("core.") for name in done):
        fail("the warehouse has no core tables: run `ecoute build` first")
    for name, rows in done.items():
        typer.echo(f"{name:45} {rows:>12,} {'row' if rows == 1 else 'rows'}")
    typer.echo(f"lake written to {out}")
