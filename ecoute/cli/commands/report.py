"""``ecoute report weekly --week 2026-W27``: the weekly report as HTML (and PDF), e-mailed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import (
    fail,
    parse_week,
    require_region,
    require_week,
    settings_of,
)

report_app = typer.Typer(
    rich_markup_mode=None,  # help is plain text: brackets are data, never markup
    help="Reports managers read (see docs/report.md).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("weekly")
def weekly(
    ctx: typer.Context,
    week: Annotated[
        str, typer.Option(metavar="WEEK", help="ISO week, e.g. 2026-W27 (Monday 00:00 local time).")
    ],
    region: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(metavar="REGION", help="Only this region: every number is filtered to it."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(metavar="DIR", help="Output folder (default [report] out, out/reports)."),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print a PDF (headless Chromium).")
    ] = False,
    all_regions: Annotated[
        bool,
        typer.Option("--all-regions", help="Burst: the national report and one per region."),
    ] = False,
    email: Annotated[
        bool, typer.Option("--email", help="E-mail each report to its [email.recipients].")
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """Write the week's report: headline KPIs against last week, the trend and the targets'
    red/amber/green, contact centre, field visits, repairs, communication, the worst customer
    stories with their journeys, compensation, data quality, alerts and the parameters in force.
    One self-contained HTML file per report (works offline); --pdf adds a PDF beside it."""
    # Straight to the report's runner, not through ecoute.jobs: importing the jobs imports the
    # loader (~0.3 s), which writing a report never uses. jobs.report is the same call.
    from ecoute.reports.run import ReportRunError, run_weekly

    if region is not None and all_regions:
        fail("--region and --all-regions exclude each other", 2)
    if out is not None and out.exists() and not out.is_dir():
        fail(f"--out must be a folder, and {out} is a file", 2)
    settings = settings_of(ctx)
    monday = parse_week(week)
    _require_data(settings, monday, region)
    try:
        if lang is not None:
            settings = settings.with_overrides(report={"language": lang})
        results = run_weekly(
            settings, monday, out or Path(settings.section("report")["out"]), region=region,
            all_regions=all_regions, pdf=pdf or email, email=email, echo=typer.echo,
        )  # fmt: skip
    except ReportRunError as exc:
        fail(str(exc), exc.code)
    failed = [r for r in results if r.error]
    if failed:
        fail(
            f"{len(failed)} of {len(results)} report(s) failed: "
            + "; ".join(r.error for r in failed)
        )


def _require_data(settings, monday, region: str | None) -> None:  # noqa: ANN001
    """A week without data or an unknown region is refused before any report is written: an
    empty report headed "No alert fired this week" would read as good news."""
    import duckdb

    from ecoute.warehouse.connection import WarehouseMissing, connect

    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing:
        return  # the report run says so, in its own words
    try:
        require_week(con, monday)
        require_region(con, region)
    except duckdb.CatalogException:
        return
    finally:
        con.close()
