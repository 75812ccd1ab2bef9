"""``ecoute alerts --week W``: the threshold alerts of a week; exit status 1 when any fires."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, parse_week, settings_of


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)


def alerts(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W27.")],
    region: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(help="Evaluate every rule on this region's numbers only."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Evaluate the [[alerts.rules]] of the configuration on the week's metrics and print the
    alerts that fire. Exit status: 0 none fired, 1 at least one fired (for cron), 2 usage or
    configuration error."""
    import json

    import duckdb

    from ecoute.reports.alerts import RuleError, describe, evaluate, rules_from
    from ecoute.warehouse.connection import WarehouseMissing, connect

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, got {fmt!r}", 2)
    monday = parse_week(week)
    settings = settings_of(ctx)
    try:
        rules = rules_from(settings.section("alerts"))
    except RuleError as exc:
        fail(str(exc), 2)
    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc), 2)
    try:
        fired = evaluate(con, monday, rules, region=region)
    except duckdb.CatalogException:
        fail("the metric marts are missing: run `ecoute build` first", 2)
    finally:
        con.close()
    if fmt == "json":
        payload = {"week": week, "region": region, "rules": len(rules),
                   "alerts": [a.as_dict() for a in fired]}  # fmt: skip
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        scope = f", region {region}" if region else ""
        if not fired:
            typer.echo(f"No alert in {week}{scope} ({len(rules)} rules checked).")
        else:
            typer.echo(f"{len(fired)} alert(s) in {week}{scope}:")
            for alert in fired:
                typer.echo(f"  {describe(alert)}")
    if fired:
        raise typer.Exit(1)
