"""``ecoute worst --week W``: the customers whose week went worst, and why."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, parse_week, require_week, row_limit, settings_of
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("worst")(worst)


def worst(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(metavar="WEEK", help="ISO week, e.g. 2026-W27.")],
    limit: Annotated[int, typer.Option(metavar="N", help="How many customers.", min=1)] = 10,
    top: Annotated[Optional[int], typer.Option(hidden=True)] = None,  # noqa: UP045 - old name
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """Customers ranked by a weighted count of the week's failures (unannounced missed visit 5,
    announced missed visit 3, dropped call without callback 3, repair target missed 3, day
    without service 2, context loss 2, reopened ticket 2, repeat contact 1, unlogged call 1);
    see docs/metrics.md."""
    import duckdb

    from ecoute.cli.output import emit, write_json
    from ecoute.reports.i18n import LanguageError, words_for
    from ecoute.reports.metrics import WORST_COLUMNS, worst_customers
    from ecoute.warehouse.connection import WarehouseMissing, connect

    check_format(fmt)
    try:
        words = words_for(settings_of(ctx), lang)
    except LanguageError as exc:
        fail(str(exc), 2)
    monday = parse_week(week)
    limit = row_limit(limit, top)
    try:
        con = connect(settings_of(ctx), read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        require_week(con, monday)
        rows = worst_customers(con, monday, limit)
    except duckdb.CatalogException:
        fail("the worst-week mart is missing: run `ecoute build` first")
    finally:
        con.close()
    if fmt == "json":
        write_json({"week": week, "customers": rows})
        return
    emit(rows, fmt, title=words.t("cli.worst_title", week=week), columns=WORST_COLUMNS,
         empty=words.t("cli.worst_none", week=week))  # fmt: skip
