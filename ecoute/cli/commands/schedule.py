"""``ecoute schedule``: run the configured jobs on their cron expression (or once, now)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, parse_week, settings_of


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule)


def schedule(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs now, once, and exit (1 if a step failed).")
    ] = False,
    week: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            metavar="WEEK",
            help="With --once: the week to report (default: the last complete week).",
        ),
    ] = None,
) -> None:
    """Run [schedule] jobs (load new files from the inbox, check, build, report, e-mail) on the
    [schedule] cron expression in its time zone (default Monday 07:00 Europe/Brussels). A failed
    step is logged and e-mailed to [schedule] notify; the next run still happens. See
    docs/report.md for the equivalent crontab line."""
    import logging

    from ecoute.scheduler import StepError, build_scheduler, config_of, run_jobs, scheduled_run

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = settings_of(ctx)
    try:
        cfg = config_of(settings)
    except (StepError, ValueError) as exc:
        fail(f"bad [schedule] configuration: {exc}", 2)
    if week is not None and not once:
        fail("--week goes with --once", 2)
    if once:
        outcome = run_jobs(settings, parse_week(week)) if week else scheduled_run(settings)
        if outcome is None or not outcome.ok:
            raise typer.Exit(1)
        return
    import datetime as dt
    from zoneinfo import ZoneInfo

    from ecoute.scheduler import trigger

    scheduler = build_scheduler(settings, blocking=True)
    now = dt.datetime.now(ZoneInfo(str(cfg["timezone"])))
    next_run = trigger(cfg).get_next_fire_time(None, now)
    typer.echo(f"ecoute schedule: jobs {', '.join(cfg['jobs'])} on '{cfg['cron']}' "
               f"({cfg['timezone']}), next run {next_run:%Y-%m-%d %H:%M %Z}; Ctrl-C to stop",
               err=True)  # fmt: skip
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
