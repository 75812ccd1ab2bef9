"""``ecoute schedule``: the Monday-morning jobs (load new files, check, build, report, e-mail)
on a cron expression in the operator's time zone, with APScheduler 3.

A shell over ecoute.jobs, beside the command line: this module adds the trigger, the checking of
``[schedule]``, the order of the steps and the failure notice; each step is one job.

A failed step is logged (with its traceback) and, when e-mail is configured, reported to
``[schedule] notify``; the rest of that run is skipped unless ``continue_on_failure``. The job
itself never raises, so the scheduler keeps its next run. The scheduler is the one place that
reads the clock: it decides which week to report (the last complete ISO week before the run).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ecoute.core.settings import Settings

log = logging.getLogger("ecoute.schedule")

STEPS = ("load", "check", "build", "report", "email")


class StepError(RuntimeError):
    """A step did not do its job (the message says why)."""


@dataclass
class StepOutcome:
    name: str
    status: str  # ok | failed | skipped
    message: str = ""
    seconds: float = 0.0


@dataclass
class RunOutcome:
    week: str
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.status != "failed" for s in self.steps)

    @property
    def failed(self) -> list[StepOutcome]:
        return [s for s in self.steps if s.status == "failed"]


@dataclass
class _State:
    settings: Settings
    week_start: dt.date
    reports: list[Any] = field(default_factory=list)


def report_week(now: dt.datetime, tz: str) -> dt.date:
    """The Monday of the last complete ISO week before `now` (in `tz`)."""
    local = now.astimezone(ZoneInfo(tz)).date()
    this_monday = local - dt.timedelta(days=local.weekday())
    return this_monday - dt.timedelta(days=7)


def config_of(settings: Settings) -> dict[str, Any]:
    """``[schedule]`` checked: known steps, a cron expression APScheduler accepts, a time zone."""
    cfg = dict(settings.section("schedule"))
    unknown = [s for s in cfg["jobs"] if s not in STEPS]
    if unknown:
        raise StepError(
            f"[schedule] jobs: unknown step(s) {', '.join(unknown)} (known: {', '.join(STEPS)})"
        )
    trigger(cfg)  # raises ValueError on a bad expression or zone
    return cfg


def trigger(cfg: dict[str, Any]) -> Any:
    """The cron trigger of ``[schedule] cron`` (standard 5-field crontab) in its time zone.

    APScheduler 3 reads weekday numbers as 0 = Monday, while crontab reads 0/7 = Sunday and
    1 = Monday (its ``from_crontab`` does not translate them): numbers are turned into day
    names here, so "0 7 * * 1" fires on Monday as it would in cron.
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = str(cfg["cron"]).split()
    if len(fields) != 5:
        raise ValueError(f"cron must have 5 fields (minute hour day month weekday), got {fields}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=cron_weekdays(weekday),
        timezone=ZoneInfo(str(cfg["timezone"])),
    )


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_weekdays(text: str) -> str:
    """A crontab weekday field with its numbers as names (``1-5`` → ``mon-fri``)."""

    def names(part: str) -> str:
        value, slash, step = part.partition("/")
        value = re.sub(
            r"\d+", lambda m: _DAYS[int(m.group())] if int(m.group()) <= 7 else m.group(), value
        )
        return value + slash + step

    return ",".join(names(p) for p in text.split(","))


def run_jobs(settings: Settings, week_start: dt.date) -> RunOutcome:
    """Run the configured steps once for the week starting `week_start`."""
    cfg = settings.section("schedule")
    state = _State(settings, week_start)
    year, number, _ = week_start.isocalendar()
    outcome = RunOutcome(week=f"{year}-W{number:02d}")
    log.info("run for %s: %s", outcome.week, ", ".join(cfg["jobs"]))
    stop = False
    for name in cfg["jobs"]:
        if stop:
            outcome.steps.append(StepOutcome(name, "skipped", "an earlier step failed"))
            log.warning("step %s skipped: an earlier step failed", name)
            continue
        started = time.perf_counter()
        try:
            message = _STEP[name](state) or ""
            step = StepOutcome(name, "ok", message, time.perf_counter() - started)
            log.info("step %s ok (%.1f s): %s", name, step.seconds, message)
        except Exception as exc:  # noqa: BLE001 - a failed step is reported, never fatal
            step = StepOutcome(
                name, "failed", f"{type(exc).__name__}: {exc}", time.perf_counter() - started
            )
            # A StepError says what to fix (a missing inbox): one line. Anything else is a bug,
            # logged with its traceback.
            trace = "" if isinstance(exc, StepError) else "\n" + traceback.format_exc()
            log.error("step %s FAILED: %s%s", name, step.message, trace)
            stop = not cfg["continue_on_failure"]
        outcome.steps.append(step)
    if not outcome.ok:
        _notify(settings, outcome)
    log.info("run for %s %s", outcome.week, "done" if outcome.ok else "FAILED")
    return outcome


def scheduled_run(
    settings: Settings, now: Callable[[], dt.datetime] | None = None
) -> RunOutcome | None:
    """The scheduler's job: pick the week, run the steps, never raise (the next run must happen)."""
    tz = str(settings.section("schedule")["timezone"])
    try:
        current = now() if now else dt.datetime.now(ZoneInfo(tz))
        return run_jobs(settings, report_week(current, tz))
    except Exception:  # noqa: BLE001 - logged; the scheduler keeps its next run
        log.exception("scheduled run crashed")
        return None


def build_scheduler(settings: Settings, blocking: bool = True) -> Any:
    """An APScheduler 3 scheduler holding the one cron job (not started)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    cfg = config_of(settings)
    tz = ZoneInfo(str(cfg["timezone"]))
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=tz)
    scheduler.add_job(
        scheduled_run, trigger(cfg), args=[settings], id="ecoute-weekly", name="ecoute weekly jobs",
        coalesce=True, max_instances=1, misfire_grace_time=3600, replace_existing=True,
    )  # fmt: skip
    return scheduler


# ---------------------------------------------------------------- the steps


def _load(state: _State) -> str:
    from ecoute import jobs
    from ecoute.etl.mapping import MappingError
    from ecoute.etl.pipeline import LoadError

    cfg = state.settings.section("schedule")
    inbox = Path(str(cfg["inbox"]))
    if not inbox.is_dir():
        raise StepError(f"inbox folder {inbox} does not exist")
    if not any(p.is_file() and not p.name.startswith(".") for p in inbox.rglob("*")):
        return f"no files in {inbox}"
    mapping = Path(cfg["mapping"]) if cfg["mapping"] else None
    try:
        # The build is a step of its own (it may be left out of [schedule] jobs).
        result = jobs.load(state.settings, inbox, mapping, build=False)
    except (LoadError, MappingError) as exc:
        raise StepError(f"load failed, warehouse unchanged: {exc}") from exc
    return (f"load {result.load_id}: {result.total('loaded'):,} rows loaded, "
            f"{result.total('quarantined'):,} quarantined")  # fmt: skip


def _check(state: _State) -> str:
    from ecoute import jobs

    try:
        report = jobs.check(state.settings)
    except jobs.NoWarehouse as exc:
        raise StepError(str(exc)) from exc
    blocking = report.blocking_failures
    if blocking:
        raise StepError(f"{len(blocking)} blocking data-quality failure(s): "
                        + "; ".join(str(r) for r in blocking[:5]))  # fmt: skip
    return f"{len(report.results)} checks, {len(report.warnings)} warnings"


def _build(state: _State) -> str:
    from ecoute import jobs

    # Only what the loads since the last build changed (docs/incremental.md).
    built = jobs.build(state.settings, incremental=True)
    return f"built {len(built.models)} models"


def _report(state: _State) -> str:
    from ecoute import jobs

    cfg = state.settings.section("schedule")
    out = jobs.report_dir(state.settings)
    state.reports = jobs.report(
        state.settings, state.week_start, out, all_regions=bool(cfg["all_regions"]),
        pdf=bool(cfg["pdf"]), email=False, echo=log.info,
    )  # fmt: skip
    failed = [r.error for r in state.reports if r.error]
    if failed:
        raise StepError("; ".join(failed))
    return f"{len(state.reports)} report(s) in {out}"


def _email(state: _State) -> str:
    from ecoute import jobs

    if not state.reports:
        raise StepError("no report to send (the report step did not run)")
    jobs.deliver(state.settings, state.reports, echo=log.info)
    failed = [r.error for r in state.reports if r.error]
    if failed:
        raise StepError("; ".join(failed))
    sent = sum(1 for r in state.reports if r.mailed_to)
    return f"{sent} of {len(state.reports)} report(s) sent"


_STEP: dict[str, Callable[[_State], str | None]] = {
    "load": _load,
    "check": _check,
    "build": _build,
    "report": _report,
    "email": _email,
}


def _notify(settings: Settings, outcome: RunOutcome) -> None:
    """E-mail the failure to ``[schedule] notify`` (else the national recipients), if any."""
    from ecoute.reports.mail import MailError, notice_message, recipients_for, send

    recipients = list(settings.section("schedule")["notify"]) or recipients_for(
        settings, None
    )
    if not recipients:
        return
    lines = [f"Écoute's scheduled run for {outcome.week} failed.", ""]
    lines += [f"  {s.name:<7} {s.status:<8} {s.message}" for s in outcome.steps]
    lines += [
        "",
        "The next scheduled run will happen as usual. Details are in the scheduler's log.",
    ]
    failed = ", ".join(s.name for s in outcome.failed)
    msg = notice_message(
        settings, f"Écoute run FAILED for {outcome.week}: {failed}", "\n".join(lines), recipients
    )
    try:
        send(settings, msg, recipients)
        log.info("failure notice sent to %s", ", ".join(recipients))
    except MailError as exc:
        log.error("could not send the failure notice: %s", exc)
