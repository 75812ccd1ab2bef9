"""`ecoute schedule` (ecoute/scheduler.py): the jobs run once on demand; a failed step is logged
and e-mailed, and the scheduler keeps its next run. The tiny warehouse and the SMTP server are
the report tests' fixtures (tests/ecoute/conftest.py)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.scheduler import build_scheduler, report_week, run_jobs, scheduled_run, trigger
from tests.reports._report_fixtures import W10

BXL = ZoneInfo("Europe/Brussels")


def _config(tmp_path, port: int | None = None, **schedule: object) -> object:
    lines = ["[report]", f'out = "{tmp_path / "out"}"', "[schedule]"]
    for key, value in schedule.items():
        lines.append(
            f"{key} = {value!r}".replace("'", '"').replace("True", "true").replace("False", "false")
        )
    if port:
        lines += ["[email]", 'host = "127.0.0.1"', f"port = {port}", 'username = "ecoute"',
                  'password = "s3cret"', "[email.recipients]", 'national = ["ops@operator.example"]']  # fmt: skip
    path = tmp_path / "ecoute.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(tiny, config, *args):
    return CliRunner().invoke(
        app, ["--warehouse", str(tiny.warehouse), "--config", str(config), "schedule", *args]
    )


def test_once_runs_the_jobs_and_writes_the_reports(tiny, tmp_path, caplog):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = _config(tmp_path, inbox=str(inbox), jobs=["load", "build", "report"], pdf=False)
    with caplog.at_level(logging.INFO, logger="ecoute.schedule"):
        result = _run(tiny, config, "--once", "--week", "2026-W10")
    assert result.exit_code == 0, result.output + caplog.text
    assert "step load ok" in caplog.text and "no files in" in caplog.text
    assert "step build ok" in caplog.text and "step report ok (" in caplog.text
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "weekly-2026-W10.html" in names and len(names) == 4  # national + 3 regions


def test_failed_step_is_logged_mailed_and_the_rest_skipped(tiny, tmp_path, caplog, smtp_server):
    config = _config(tmp_path, smtp_server.port, inbox=str(tmp_path / "missing"),
                     jobs=["load", "build", "report", "email"])  # fmt: skip
    with caplog.at_level(logging.INFO, logger="ecoute.schedule"):
        result = _run(tiny, config, "--once", "--week", "2026-W10")
    assert result.exit_code == 1
    assert "step load FAILED: StepError: inbox folder" in caplog.text
    assert "Traceback" not in caplog.text  # an error the operator can fix is one line
    assert "step report skipped" in caplog.text
    ((rcpt, msg),) = smtp_server.messages()
    assert rcpt == ["ops@operator.example"]
    assert msg["Subject"] == "Écoute run FAILED for 2026-W10: load"
    assert "next scheduled run will happen" in msg.get_content()
    assert not (tmp_path / "out").exists()


def test_continue_on_failure_runs_the_later_steps(tiny, tmp_path):
    settings = tiny.with_overrides(
        schedule={"inbox": str(tmp_path / "missing"), "jobs": ["load", "report"], "pdf": False,
                  "all_regions": False, "continue_on_failure": True},
        report={"out": str(tmp_path / "out")},
    )  # fmt: skip
    outcome = run_jobs(settings, W10)
    assert [(s.name, s.status) for s in outcome.steps] == [("load", "failed"), ("report", "ok")]
    assert (tmp_path / "out" / "weekly-2026-W10.html").exists()


def test_default_trigger_is_monday_7_brussels_across_dst():
    from ecoute.core.settings import load_settings

    cfg = load_settings(environ={}).section("schedule")
    fire = trigger(cfg).get_next_fire_time(None, dt.datetime(2026, 3, 25, 12, tzinfo=BXL))
    assert fire == dt.datetime(2026, 3, 30, 7, tzinfo=BXL)  # summer time since 29 March
    assert fire.utcoffset() == dt.timedelta(hours=2)
    winter = trigger(cfg).get_next_fire_time(None, dt.datetime(2026, 10, 27, tzinfo=BXL))
    assert winter == dt.datetime(2026, 11, 2, 7, tzinfo=BXL) and winter.utcoffset().seconds == 3600


def test_report_week_is_the_last_complete_week():
    monday_7am = dt.datetime(2026, 3, 9, 7, tzinfo=BXL)
    assert report_week(monday_7am, "Europe/Brussels") == W10
    # Sunday 23:30 in Brussels is already Monday in some zones, not here
    sunday = dt.datetime(2026, 3, 8, 22, 30, tzinfo=dt.UTC)
    assert report_week(sunday, "Europe/Brussels") == dt.date(2026, 2, 23)


def test_the_scheduler_keeps_running_after_a_failed_run(tiny, tmp_path, caplog):
    """A real APScheduler run: the job fails every time, and still runs again."""
    settings = tiny.with_overrides(
        schedule={"inbox": str(tmp_path / "missing"), "jobs": ["load"]},
    )
    scheduler = build_scheduler(settings, blocking=False)
    (job,) = scheduler.get_jobs()
    assert job.func is scheduled_run
    with caplog.at_level(logging.INFO, logger="ecoute.schedule"):
        scheduler.start()
        try:
            scheduler.reschedule_job(job.id, trigger="interval", seconds=0.4)
            deadline = time.monotonic() + 10
            while caplog.text.count("step load FAILED") < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            scheduler.shutdown(wait=True)
    assert caplog.text.count("step load FAILED") >= 2


def test_a_crash_outside_the_steps_is_caught(tiny, caplog):
    def broken_clock() -> dt.datetime:
        raise RuntimeError("clock broke")

    with caplog.at_level(logging.ERROR, logger="ecoute.schedule"):
        assert scheduled_run(tiny, now=broken_clock) is None
    assert "scheduled run crashed" in caplog.text


def test_bad_configuration_is_exit_2(tiny, tmp_path):
    config = _config(tmp_path, cron="every monday", jobs=["load"])
    result = _run(tiny, config, "--once")
    assert result.exit_code == 2
    assert "bad [schedule] configuration" in result.output
    config = _config(tmp_path, jobs=["load", "coffee"])
    assert _run(tiny, config, "--once").exit_code == 2


def test_crontab_weekday_numbers_mean_what_cron_means():
    from ecoute.scheduler import cron_weekdays

    assert cron_weekdays("1") == "mon"
    assert cron_weekdays("0") == cron_weekdays("7") == "sun"
    assert cron_weekdays("1-5") == "mon-fri"
    assert cron_weekdays("1,3,5") == "mon,wed,fri"
    assert cron_weekdays("*/2") == "*/2"
    assert cron_weekdays("mon-fri") == "mon-fri"
    cfg = {"cron": "30 6 * * 1-5", "timezone": "Europe/Brussels"}
    friday = dt.datetime(2026, 3, 6, 7, tzinfo=BXL)
    assert trigger(cfg).get_next_fire_time(None, friday) == dt.datetime(
        2026, 3, 9, 6, 30, tzinfo=BXL
    )
