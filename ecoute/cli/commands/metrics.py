"""``ecoute metrics --week 2026-W27``: the week's metrics beside the previous week's."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, parse_week, settings_of


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
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Every service-quality metric of a week, as value, numerator and denominator, with the
    previous week's value, read from the warehouse marts (see docs/metrics.md)."""
    import json

    import duckdb

    from ecoute.reports.metrics import metric_rows, week_metrics
    from ecoute.warehouse.connection import WarehouseMissing, connect

    if fmt not in ("table", "json", "csv"):
        fail(f"--format must be table, json or csv, got {fmt!r}", 2)
    monday = parse_week(week)
    try:
        con = connect(settings_of(ctx), read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        result = week_metrics(con, monday, by=by, region=region)
    except ValueError as exc:
        fail(str(exc), 2)
    except duckdb.CatalogException:
        fail("the metric marts are missing: run `ecoute build` first")
    finally:
        con.close()
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    elif fmt == "csv":
        typer.echo(_csv(metric_rows(result)), nl=False)
    else:
        typer.echo(_table(result, metric_rows(result)))


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


def _table(result: dict, rows: list[dict]) -> str:
    from ecoute.reports.metrics import shown

    title = f"Écoute metrics, week {result['week']} (from {result['week_start']})"
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
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]
    lines = [title, ""]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for r in body:
        lines.append(
            "  ".join(
                c.ljust(w) if i < len(header) - 4 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    params = ", ".join(f"{k}={v}" for k, v in result["params"].items())
    lines += ["", f"parameters: {params}"]
    return "\n".join(lines)
