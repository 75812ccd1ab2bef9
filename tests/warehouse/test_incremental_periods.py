"""Incremental builds recompute only the affected days and weeks of the `period` marts
(warehouse/periods.py), and leave every mart exactly as a full build over the same data would.

The hand-made history spans five ISO weeks (Monday 2026-05-11 to Sunday 2026-06-14); the day
(Monday 2026-06-15) starts a new week and moves the horizon, and carries late corrections: a call
three weeks back, a ticket that was in fact resolved weeks later than the history said, and one
that was in fact resolved weeks before the history's end. Each case is built so that a set of
periods too narrow to hold it gives different numbers; the last test weakens the marts'
``periods`` (warehouse/models/models.yml) on purpose and checks that the comparison then fails."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import duckdb
import pytest

from ecoute.core.db import connect
from ecoute.core.settings import Settings
from ecoute.jobs import load as run_load
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.build import params_of, python_steps
from ecoute.warehouse.config import CONFIG_FILE
from ecoute.warehouse.runner import MODELS_DIR, discover

PERIOD_MARTS = (
    "rpt_metrics__calls", "rpt_metrics__tickets", "rpt_metrics__appointments",
    "rpt_metrics__backlog", "rpt_metrics__communication", "rpt_metrics__daily",
    "rpt_metrics__weekly", "rpt_customers__worst_weekly",
)  # fmt: skip
CUSTOMERS = (
    "customer_id,segment,region,plan,customer_since\n"
    "A,residential,Brussels,fibre,2020-01-01\n"
    "B,residential,Antwerp,fibre,2020-01-01\n"
    "C,business,Brussels,pro,2021-01-01\n"
    "D,residential,Antwerp,coax,2019-05-01\n"
)
CALLS = (
    "call_id,direction,initiation,started_at,queued_at,answered_at,ended_at,customer_id,"
    "disconnect_party,ticket_id,queue\n"
)
HISTORY_CALLS = [
    # k1, Wednesday three weeks back: answered here, abandoned in the day's correction.
    "k1,inbound,,2026-05-27 10:00,2026-05-27 10:00,2026-05-27 10:01,2026-05-27 10:05,A,customer,,tech",
    "k2,inbound,,2026-05-28 11:00,2026-05-28 11:00,2026-05-28 11:01,2026-05-28 11:04,B,customer,,tech",
    "k3,inbound,,2026-05-13 09:00,2026-05-13 09:00,2026-05-13 09:02,2026-05-13 09:06,C,customer,,billing",
    "k4,inbound,,2026-06-10 14:00,2026-06-10 14:00,2026-06-10 14:01,2026-06-10 14:09,D,customer,,tech",
    # The history's last record (its horizon): Friday 2026-06-12 16:10.
    "k5,inbound,,2026-06-12 16:00,2026-06-12 16:00,2026-06-12 16:01,2026-06-12 16:10,C,customer,,tech",
]
DAY_CALLS = [
    "k1,inbound,,2026-05-27 10:00,2026-05-27 10:00,,2026-05-27 10:03,A,customer,,tech",
    "k6,inbound,,2026-06-15 09:00,2026-06-15 09:00,2026-06-15 09:01,2026-06-15 09:07,B,customer,,tech",
]
TICKETS = "ticket_id,customer_id,opened_at,status,category,service_loss,restored_at,resolved_at\n"
HISTORY_TICKETS = [
    # T1: open for weeks, resolved on the day.
    "T1,A,2026-05-19 09:00,open,internet,total,,",
    # T2: resolved the next day here; the correction says weeks later (the weeks in between).
    "T2,B,2026-05-20 09:00,resolved,internet,total,2026-05-21 09:00,2026-05-21 09:00",
    # T3: open here; the correction says resolved two weeks before the history's end.
    "T3,C,2026-05-26 09:00,open,tv,total,,",
    # T4: never touched, open all along: only the horizon moves its backlog and outage days.
    "T4,D,2026-05-12 09:00,open,internet,partial,,",
]
DAY_TICKETS = [
    "T1,A,2026-05-19 09:00,resolved,internet,total,2026-06-15 10:00,2026-06-15 10:00",
    "T2,B,2026-05-20 09:00,resolved,internet,total,2026-06-05 09:00,2026-06-05 09:00",
    "T3,C,2026-05-26 09:00,resolved,tv,total,2026-06-02 12:00,2026-06-02 12:00",
]
APPOINTMENTS = (
    "appointment_id,customer_id,booked_at,window_start,window_end,status,ticket_id,completed_at,"
    "fixed\n"
)
HISTORY_APPOINTMENTS = (
    "ap1,A,2026-05-19 12:00,2026-05-22 08:00,2026-05-22 12:00,completed,T1,2026-05-22 11:00,true\n"
)
# The visit was not a fix after all: its due day and the ticket's first-visit day change.
DAY_APPOINTMENTS = (
    "ap1,A,2026-05-19 12:00,2026-05-22 08:00,2026-05-22 12:00,completed,T1,2026-05-22 11:00,false\n"
)
MESSAGES = (
    '{"message_id": "m1", "customer_id": "B", "received_at": "2026-05-29 08:00", '
    '"channel": "email", "body": "My internet is down again, I want compensation."}\n'
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _history(folder: Path) -> Path:
    _write(folder / "customers.csv", CUSTOMERS)
    _write(folder / "calls.csv", CALLS + "\n".join(HISTORY_CALLS) + "\n")
    _write(folder / "tickets.csv", TICKETS + "\n".join(HISTORY_TICKETS) + "\n")
    _write(folder / "appointments.csv", APPOINTMENTS + HISTORY_APPOINTMENTS)
    _write(folder / "messages.jsonl", MESSAGES)
    return folder


def _day(folder: Path, calls: list[str] = DAY_CALLS, tickets: list[str] = DAY_TICKETS) -> Path:
    _write(folder / "calls.csv", CALLS + "\n".join(calls) + "\n")
    if tickets:
        _write(folder / "tickets.csv", TICKETS + "\n".join(tickets) + "\n")
        _write(folder / "appointments.csv", APPOINTMENTS + DAY_APPOINTMENTS)
    return folder


@pytest.fixture
def quiet(settings: Settings) -> Settings:
    return settings.with_overrides(
        expectations={"enabled": False}, warehouse={"incremental_max_share": 1.0}
    )


def _build(
    con: duckdb.DuckDBPyConnection, settings: Settings, models: Path, incremental: bool
) -> inc.Outcome:
    """One build with the model files of ``models``, recorded as `ecoute build` records it."""
    params, steps = params_of(settings), python_steps(settings)
    fp, started = inc.fingerprint(params, steps, models), time.time()
    con.begin()
    if incremental:
        outcome = inc.build_incremental(con, params, steps, fp, 1.0, models)
    else:
        outcome = inc.build_full(con, params, steps, "asked for", models)
    inc.record(con, outcome, fp, started)
    con.commit()
    return outcome


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: con.execute(f"from marts.{name}").fetchall() for name in PERIOD_MARTS}


def _differences(con: duckdb.DuckDBPyConnection, settings: Settings, models: Path) -> dict:
    """Rows of each period mart in the incremental build and not in a full one, or back."""
    con.execute("create schema if not exists kept")
    for name in PERIOD_MARTS:
        con.execute(f"create or replace table kept.{name} as from marts.{name}")
    _build(con, settings, models, incremental=False)
    diff = {}
    for name in PERIOD_MARTS:
        new, old = f"marts.{name}", f"kept.{name}"
        only_old = con.execute(f"from {old} except all from {new}").fetchall()
        only_new = con.execute(f"from {new} except all from {old}").fetchall()
        if only_old or only_new:
            diff[name] = {"incremental only": only_old[:3], "full only": only_new[:3]}
    return diff


def _copy_models(folder: Path, weaken: dict[str, tuple[str, str]] | None = None) -> Path:
    """The model files, with ``weaken``: model name → (regex, replacement) on its entry of
    models.yml (from its ``- name:`` line to the next entry's)."""
    for model in discover(MODELS_DIR):
        _write(folder / model.schema / f"{model.name}.sql", model.sql)
    declared = (MODELS_DIR / CONFIG_FILE).read_text(encoding="utf-8")
    for name, (pattern, replacement) in (weaken or {}).items():
        entry = re.search(rf"^  - name: {name}\n(?:(?!  - name:).*\n)*", declared, re.MULTILINE)
        assert entry is not None, f"{name}: no entry"
        weakened, count = re.subn(pattern, replacement, entry.group(0), flags=re.MULTILINE)
        assert count == 1, f"{name}: {pattern!r} not found"
        declared = declared.replace(entry.group(0), weakened)
    _write(folder / CONFIG_FILE, declared)
    return folder


def _week(day: str) -> dt.date:
    date = dt.date.fromisoformat(day)
    return date - dt.timedelta(days=date.weekday())


def _periods_of(con: duckdb.DuckDBPyConnection, mart: str) -> set[tuple[str, dt.date]]:
    return set(con.execute(f"select distinct grain, period_start from marts.{mart}").fetchall())


def test_corrections_weeks_back_equal_a_full_build(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"), build=False)
    con = connect(quiet)
    _build(con, quiet, MODELS_DIR, incremental=False)
    before = _marts(con)
    run_load(quiet, _day(tmp_path / "day"), build=False)
    outcome = _build(con, quiet, MODELS_DIR, incremental=True)
    assert outcome.kind == "incremental"
    # Every period mart went by periods (None would be a full rebuild), and the calls mart by
    # exactly the corrected call's day and week and the new day and week: the other weeks were
    # left alone. (B's message of 2026-05-29 gains a next contact, k6, in a column this mart
    # does not read: its day is not recomputed.)
    assert None not in outcome.periods.values() and set(outcome.periods) == {
        f"marts.{m}" for m in PERIOD_MARTS
    }
    assert outcome.periods["marts.rpt_metrics__calls"] == 4
    kept = {("day", dt.date(2026, 5, 13)), ("week", _week("2026-05-13")),
            ("day", dt.date(2026, 6, 10)), ("week", _week("2026-06-10"))}  # fmt: skip
    rows = con.execute("from marts.rpt_metrics__calls").fetchall()
    assert kept <= _periods_of(con, "rpt_metrics__calls")
    assert [r for r in rows if (r[0], r[1]) in kept] == [
        r for r in before["rpt_metrics__calls"] if (r[0], r[1]) in kept
    ]
    # The hand-checked outcomes: k1 abandoned three weeks back, in its day and in its week.
    abandoned = (
        "select numerator from marts.rpt_metrics__calls where metric = 'abandon_rate' and "
        "region = '*' and dimension = 'all' and grain = ? and period_start = ?"
    )
    assert con.execute(abandoned, ["day", dt.date(2026, 5, 27)]).fetchone()[0] == 1
    assert con.execute(abandoned, ["week", dt.date(2026, 5, 25)]).fetchone()[0] == 1
    # T2 now open through the weeks in between: in the backlog at the end of week 2026-05-25.
    backlog = (
        "select value from marts.rpt_metrics__backlog where metric = 'open_fault_backlog' and "
        "region = 'Antwerp' and dimension = 'all' and grain = 'week' and period_start = ?"
    )
    assert con.execute(backlog, [dt.date(2026, 5, 25)]).fetchone()[0] == 2  # T2 and T4
    # The new week (Monday 2026-06-15) exists in the weekly union.
    assert con.execute("select count(*) from marts.rpt_metrics__weekly "
                       "where week_start = '2026-06-15'").fetchone()[0] > 0  # fmt: skip
    assert _differences(con, quiet, MODELS_DIR) == {}


def test_only_the_horizon_moves_equals_a_full_build(quiet, tmp_path):
    """A day with one new call and nothing else: the open tickets' backlog and days without
    service at the new horizon come from the horizon alone."""
    run_load(quiet, _history(tmp_path / "history"))
    run_load(quiet, _day(tmp_path / "day", calls=DAY_CALLS[1:], tickets=[]), build=False)
    con = connect(quiet)
    outcome = _build(con, quiet, MODELS_DIR, incremental=True)
    # The backlog: the days from the old horizon's (Friday) to the new one's, and two weeks.
    assert outcome.periods["marts.rpt_metrics__backlog"] == 4 + 2
    assert _differences(con, quiet, MODELS_DIR) == {}


def test_two_more_days_then_nothing_new(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"))
    run_load(quiet, _day(tmp_path / "day", calls=DAY_CALLS[:1], tickets=DAY_TICKETS[:1]))
    later = ["k7,inbound,,2026-06-16 09:00,2026-06-16 09:00,2026-06-16 09:01,2026-06-16 09:07,"
             "D,customer,,tech"]  # fmt: skip
    run_load(quiet, _day(tmp_path / "day2", calls=later, tickets=DAY_TICKETS[1:]), build=False)
    con = connect(quiet)
    assert _build(con, quiet, MODELS_DIR, incremental=True).kind == "incremental"
    assert _differences(con, quiet, MODELS_DIR) == {}
    # A build with no load since: no period changes, nothing recomputed.
    outcome = _build(con, quiet, MODELS_DIR, incremental=True)
    assert set(outcome.periods.values()) == {0}


# Each weakening drops what one case needs; the comparison with a full build must then fail.
WEAKENED = {
    "the backlog without the horizon": (
        "rpt_metrics__backlog", (r"^ +reads_horizon: true\n", ""), "horizon only"),
    "the backlog counting a ticket on its opening day only": (
        "rpt_metrics__backlog",
        (r"first_day: opened_date\n +last_day: .*timezone.*horizon_date\)\"\n", "day: opened_date\n"),
        "day"),
    "worst weeks without days without service": (
        "rpt_customers__worst_weekly",
        (r"^ +- table: core.fct_tickets\n +first_day: opened_date\n +last_day: .*\n", ""),
        "day"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(WEAKENED))
def test_a_too_narrow_period_set_is_caught(quiet, tmp_path, case):
    mart, weaken, day = WEAKENED[case]  # type: ignore[misc]
    models = _copy_models(tmp_path / "models", {mart: weaken})
    run_load(quiet, _history(tmp_path / "history"), build=False)
    con = connect(quiet)
    _build(con, quiet, models, incremental=False)
    folder = tmp_path / "day"
    if day == "horizon only":
        _day(folder, calls=DAY_CALLS[1:], tickets=[])
    else:
        _day(folder)
    run_load(quiet, folder, build=False)
    assert _build(con, quiet, models, incremental=True).kind == "incremental"
    assert mart in _differences(con, quiet, models)


def _hold_back(history: Path, day: Path, date: str) -> None:
    """Move the calls of ``date`` out of the history's last calls file into ``day``."""
    last = sorted((history / "calls").glob("*.csv*"))[-1]
    kept = last.with_name("kept.csv")
    con = duckdb.connect()
    src = f"read_csv('{last}', all_varchar=true)"
    day.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy (select * from {src} where started_at like '{date}%') to "
                f"'{day / 'calls.csv'}' (header)")  # fmt: skip
    con.execute(f"copy (select * from {src} where started_at not like '{date}%') to "
                f"'{kept}' (header)")  # fmt: skip
    con.close()
    last.unlink()
    kept.rename(last.with_name(last.name.split(".")[0] + ".csv"))


def test_a_small_demo_world_after_one_and_two_more_days(quiet, tmp_path):
    from bench.world import LAST_DAY, split_last_day
    from ecoute.demo import generate

    world = tmp_path / "world"
    generate(world, customers=2400, weeks=3)
    split_last_day(world, tmp_path / "history", tmp_path / "day2")
    before = (dt.date.fromisoformat(LAST_DAY) - dt.timedelta(days=1)).isoformat()
    _hold_back(tmp_path / "history", tmp_path / "day1", before)
    mapping = Path("etl/mappings/demo_fr_excel.yaml")
    run_load(quiet, tmp_path / "history", mapping)
    con = connect(quiet)
    for day in ("day1", "day2"):
        run_load(quiet, tmp_path / day, mapping, build=False)
        outcome = _build(con, quiet, MODELS_DIR, incremental=True)
        assert outcome.kind == "incremental"
        assert None not in outcome.periods.values()
        # The calls mart recomputes the new day and the days its callers' rows changed in,
        # not every period of the three weeks (2 grains × 21 days and 3 weeks).
        assert 0 < outcome.periods["marts.rpt_metrics__calls"] < 21 + 3
        assert _differences(con, quiet, MODELS_DIR) == {}


def test_every_period_mart_states_its_periods():
    """A mart without lines would still be right (rebuilt in full), but slow: say so here."""
    from ecoute.warehouse import periods

    marts = [m for m in discover(MODELS_DIR) if m.grain == "period"]
    assert sorted(m.name for m in marts) == sorted(PERIOD_MARTS)
    for mart in marts:
        assert periods.key(mart) is not None, mart.name
        reads_marts = any(
            f"marts.{other}" in mart.sql for other in PERIOD_MARTS if other != mart.name
        )
        assert periods.lines(mart) or reads_marts, mart.name
