"""``ecoute alerts --week W``: the threshold alerts of a week; exit status 1 when any fires."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import (
    fail,
    legacy_format,
    parse_week,
    require_region,
    require_week,
    settings_of,
)
from ecoute.cli.output import FORMAT_HELP, check_format

COLUMNS = ("rule", "condition", "metric", "field", "region", "observed", "numerator", "denominator")


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)


def alerts(
    ctx: typer.Context,
    week: Annotated[str, typer.Option(metavar="WEEK", help="ISO week, e.g. 2026-W27.")],
    region: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(metavar="REGION", help="Evaluate every rule on this region's numbers only."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """Evaluate the [[alerts.rules]] of the configuration on the week's metrics and print the
    alerts that fire. Exit status: 0 none fired, 1 at least one fired (for cron), 2 usage or
    configuration error, an unknown region or a week without data included."""
    import duckdb

    from ecoute.cli.output import emit, say, write_json
    from ecoute.reports.alerts import RuleError, describe, evaluate, rules_from
    from ecoute.warehouse.connection import WarehouseMissing, connect

    fmt = check_format(legacy_format(fmt))
    monday = parse_week(week)
    settings = settings_of(ctx)
    from ecoute.reports.i18n import LanguageError, words_for

    try:
        rules = rules_from(settings.section("alerts"))
        words = words_for(settings, lang)
    except (RuleError, LanguageError) as exc:
        fail(str(exc), 2)
    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc), 2)
    try:
        require_week(con, monday)
        require_region(con, region)
        fired = evaluate(con, monday, rules, region=region)
    except duckdb.CatalogException:
        fail("the metric marts are missing: run `ecoute build` first", 2)
    finally:
        con.close()
    if fmt == "json":
        write_json({"week": week, "region": region, "rules": len(rules),
                    "alerts": [a.as_dict() for a in fired]})  # fmt: skip
    elif fmt == "csv":
        emit([a.as_dict() for a in fired], "csv", columns=COLUMNS)
    else:
        scope = f", region {region}" if region else ""
        checked = f"{len(rules):,} rule{'s' * (len(rules) != 1)} checked"
        if not fired:
            say(f"No alert fired in {week}{scope} ({checked}).")
        else:
            say(
                f"{len(fired):,} alert{'s' * (len(fired) != 1)} fired in {week}{scope} ({checked}):"
            )
            for alert in fired:
                say(f"  {describe(alert, words)}")
    if fired:
        raise typer.Exit(1)
