"""``ecoute metrics --week 2026-W27``: the week's metrics beside the previous week's."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import (
    fail,
    parse_week,
    require_region,
    require_week,
    settings_of,
)
from ecoute.cli.output import FORMAT_HELP, check_format


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)


def metrics(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W27 (Monday 00:00 local time).")],
    by: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(help="Slice by region, segment, queue, agent, technician or category."),
    ] = None,
    region: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Only this region (combines with --by, except --by agent)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """Every service-quality metric of a week, as value, numerator and denominator, with the
    previous week's value, read from the warehouse marts (see docs/metrics.md)."""
    import duckdb

    from ecoute.cli.output import write_json
    from ecoute.reports.metrics import metric_rows, week_metrics
    from ecoute.warehouse.connection import WarehouseMissing, connect

    check_format(fmt)
    monday = parse_week(week)
    try:
        con = connect(settings_of(ctx), read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        require_week(con, monday)
        require_region(con, region)
        result = week_metrics(con, monday, by=by, region=region)
    except ValueError as exc:
        fail(str(exc), 2)
    except duckdb.CatalogException:
        fail("the metric marts are missing: run `ecoute build` first")
    finally:
        con.close()
    if fmt == "json":
        write_json(result)
    elif fmt == "csv":
        typer.echo(_csv(metric_rows(result)), nl=False)
    else:
        _table(result, metric_rows(result))


def _csv(rows: list[dict]) -> str:
    import csv
    import io

    out = io.StringIO()
    cols = ["metric", "slice", "kind", "value", "numerator", "denominator", "previous",
            "settled", "settles_on"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "ratio":
        return f"{value:.1%}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _table(result: dict, rows: list[dict]) -> None:
    from ecoute.cli.output import say, table
    from ecoute.reports.metrics import shown

    title = f"Metrics of week {result['week']} (from Monday {result['week_start']})"
    if result["region"]:
        title += f", region {result['region']}"
    header = ["metric", "slice", "value", "previous", "numerator", "denominator"]
    if result["by"] is None:
        header.remove("slice")
    body = []
    for row in rows:
        cells = {
            "metric": row["metric"],
            "slice": row["slice"],
            "value": shown(row, _fmt(row["value"], row["kind"])),
            "previous": shown(row, _fmt(row["previous"], row["kind"]), previous=True),
            "numerator": _fmt(row["numerator"], "count"),
            "denominator": _fmt(row["denominator"], "count"),
        }
        body.append([cells[h] for h in header])
    table(header, body, title, numeric=[h not in ("metric", "slice") for h in header])
    params = ", ".join(f"{k}={v}" for k, v in result["params"].items())
    say()
    say(f"parameters: {params}")
