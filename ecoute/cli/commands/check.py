"""``ecoute check``: re-run the data-quality suites on what is loaded, record and show them."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of, timezone_of
from ecoute.cli.output import FORMAT_HELP, check_format, local_time


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    ctx: typer.Context,
    entity: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            "--entity", "-e", metavar="ENTITY", help="Only this entity's suite (repeatable)."
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="DATE",
            help="Freshness clock, e.g. 2026-06-15 (default: the latest load's start).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
) -> None:
    """Run every suite in expectations/suites/ on all loaded rows.

    Results are recorded in meta.expectation_results with an empty load id. Exit status: 0 when
    no blocking expectation failed, 1 when one did (or could not run), 2 on a usage error.
    """
    import polars as pl

    from ecoute import jobs
    from ecoute.cli.output import emit
    from ecoute.expectations.runner import parse_as_of
    from ecoute.expectations.suites import SuiteError

    check_format(fmt)
    try:
        clock = parse_as_of(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of must be an ISO date or instant, got {as_of!r}", 2)
    try:
        report = jobs.check(settings_of(ctx), entities=entity, as_of=clock)
    except jobs.NoWarehouse as exc:
        fail(str(exc))
    except SuiteError as exc:
        fail(str(exc), 2)
    frame = pl.DataFrame(
        [{k: r[k] for k in ("suite", "expectation", "column", "severity", "status",
                            "observed", "expected", "exception")} for r in report.rows()],
        schema={k: pl.String for k in ("suite", "expectation", "column", "severity", "status",
                                         "observed", "expected", "exception")},
    )  # fmt: skip
    settings = settings_of(ctx)
    as_of_local = local_time(report.as_of, timezone_of(settings))
    emit(frame, fmt, title=f"Data-quality checks as of {as_of_local} ({timezone_of(settings)})",
         json_columns=("observed", "expected"))  # fmt: skip
    blocking = report.blocking_failures
    passed = sum(r.status == "passed" for r in report.results)
    summary = (
        f"{len(report.results):,} checks: {passed:,} passed, {len(report.warnings):,} warnings, "
        f"{len(blocking):,} blocking, {len(report.errors):,} errors"
    )
    typer.echo(summary, err=True)
    for r in blocking:
        typer.echo(f"blocking: {r}", err=True)
    if blocking:
        raise typer.Exit(1)
