"""``ecoute check``: the data-quality verdicts as recorded; `--run` re-runs the suites on what is loaded."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of, timezone_of
from ecoute.cli.output import FORMAT_HELP, check_format, local_time

# What a verdict shows; every value is text (observed and expected hold JSON).
COLUMNS = ("suite", "expectation", "column", "severity", "status", "observed", "expected",
           "exception")  # fmt: skip


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
    rerun: Annotated[
        bool, typer.Option("--run", help="Re-run the suites on all loaded rows and record them.")
    ] = False,
    engine: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="ENGINE",
            help="With --run: duckdb (one SQL query per suite) or gx (Great Expectations); "
            "default [expectations] engine.",
        ),
    ] = None,
) -> None:
    """Show the latest verdict of every expectation in expectations/suites/, as the loads'
    gates (or the last `--run`) recorded it; `--run` re-runs every suite on all loaded rows.

    Results of --run are recorded in meta.expectation_results with an empty load id. Exit
    status: 0 when no blocking expectation failed, 1 when one did (or could not run), 2 on a
    usage error.
    """
    from ecoute.cli.output import emit

    check_format(fmt)
    if as_of and not rerun:
        fail("--as-of re-measures freshness: it needs --run", 2)
    if engine is not None and not rerun:
        fail("--engine says who re-runs the checks: it needs --run", 2)
    if engine not in (None, "duckdb", "gx"):
        fail(f"--engine must be duckdb or gx, got {engine!r}", 2)
    try:
        clock = _parse_as_of(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of must be an ISO date or instant, got {as_of!r}", 2)
    settings = settings_of(ctx)
    if engine:
        settings = settings.with_overrides(expectations={"engine": engine})
    report = _run(settings, entity, clock) if rerun else _stored(settings, entity)
    as_of_local = local_time(report.as_of, timezone_of(settings))
    emit(report.rows(), fmt, columns=COLUMNS, json_columns=("observed", "expected"),
         title=f"Data-quality checks as of {as_of_local} ({timezone_of(settings)})")  # fmt: skip
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


def _parse_as_of(text: str):  # noqa: ANN202 - a datetime
    from ecoute.expectations.runner import parse_as_of  # only --as-of pays for the runner

    return parse_as_of(text)


def _run(settings, entities, clock):  # noqa: ANN001, ANN202
    from ecoute import jobs  # the job imports the loader: only --run pays for it
    from ecoute.expectations.suites import SuiteError

    try:
        return jobs.check(settings, entities=entities, as_of=clock)
    except jobs.NoWarehouse as exc:
        fail(str(exc))
    except SuiteError as exc:
        fail(str(exc), 2)


def _stored(settings, entities):  # noqa: ANN001, ANN202
    """The recorded verdicts, read without running anything (docs/quality.md)."""
    from ecoute.expectations.report import stored_report
    from ecoute.warehouse.connection import WarehouseMissing, connect

    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        on_error = settings.section("expectations").get("on_error", "block")
        report = stored_report(con, entities, on_error)
    finally:
        con.close()
    if report is None:
        fail("no check has been recorded yet: run `ecoute check --run`")
    return report
