"""``ecoute worst --week W``: the customers whose week went worst, and why."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoute.cli.commands._common import fail, parse_week, settings_of


def register(app: typer.Typer) -> None:
    app.command("worst")(worst)


def worst(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W27.")],
    top: Annotated[int, typer.Option(help="How many customers.", min=1)] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Customers ranked by a weighted count of the week's failures (unannounced missed visit 5,
    announced missed visit 3, dropped call without callback 3, repair target missed 3, day
    without service 2, context loss 2, reopened ticket 2, repeat contact 1, unlogged call 1);
    see docs/metrics.md."""
    import json

    import duckdb

    from ecoute.reports.metrics import WORST_COLUMNS, worst_customers
    from ecoute.warehouse.connection import WarehouseMissing, connect

    if fmt not in ("table", "json", "csv"):
        fail(f"--format must be table, json or csv, got {fmt!r}", 2)
    monday = parse_week(week)
    try:
        con = connect(settings_of(ctx), read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        rows = worst_customers(con, monday, top)
    except duckdb.CatalogException:
        fail("the worst-week mart is missing: run `ecoute build` first")
    finally:
        con.close()
    if fmt == "json":
        typer.echo(json.dumps({"week": week, "customers": rows}, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(WORST_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(out.getvalue(), nl=False)
        return
    if not rows:
        typer.echo(f"No failures recorded in week {week}.")
        return
    header = list(WORST_COLUMNS)
    body = [
        [
            "" if r[c] is None else f"{r[c]:g}" if isinstance(r[c], float) else str(r[c])
            for c in header
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]
    typer.echo(f"Worst weeks, {week}\n")
    typer.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for b in body:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)))
