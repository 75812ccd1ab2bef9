"""Churn risk in incremental builds (warehouse/incremental.py, grain ``customer_id_at_cutoff``):
while the build's cut-off (the Monday starting the data's week) stays, a load rescores only its
scope's customers; when a load completes a week the cut-off moves and both tables are rebuilt in
full. Either way the tables equal a full build's over the same data (older cut-offs' scores stay).
The hand-made world is test_incremental.py's, its history split at Wednesday 06-10."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb

from ecoute.core.db import connect
from ecoute.core.settings import Settings
from ecoute.jobs import load as run_load
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.build import build_all
from tests.warehouse.test_incremental import (
    APPOINTMENTS,
    CALLS,
    CUSTOMERS,
    HISTORY_AP2,
    HISTORY_CALLS,
    HISTORY_CUSTOMERS,
    HISTORY_TICKETS,
    TICKETS,
    _day,
    _differences,
    _history,
    _keep_copy,
    _one,
    _write,
)

FEATURES, SCORES = "core.dim_customers__risk_features", "marts.rpt_customers__risk"
MERGED = {f"merge {FEATURES}", f"merge {SCORES}"}
WEDNESDAY = "2026-06-11"  # calls started before it, and T1 and T4, make the first week's load


def quiet_settings(settings: Settings, **risk: str) -> Settings:
    return settings.with_overrides(
        expectations={"enabled": False}, warehouse={"incremental_max_share": 1.0}, risk=risk
    )


def _first_week(folder: Path) -> Path:
    """The history up to Wednesday 06-10 10:05 (D's call c4): the cut-off is Monday 06-08."""
    _write(folder / "customers.csv", CUSTOMERS + "\n".join(HISTORY_CUSTOMERS.values()) + "\n")
    calls = [c for c in HISTORY_CALLS if c.split(",")[3] < WEDNESDAY]
    _write(folder / "calls.csv", CALLS + "\n".join(calls) + "\n")
    tickets = [t for t in HISTORY_TICKETS if t.split(",")[2] < WEDNESDAY]
    _write(folder / "tickets.csv", TICKETS + "\n".join(tickets) + "\n")
    _write(folder / "appointments.csv", APPOINTMENTS + HISTORY_AP2 + "true\n")
    return folder


def _rest_of_week(folder: Path) -> Path:
    """Thursday to Sunday 06-14 23:30 (C's drop): the week is complete, the cut-off is 06-15."""
    calls = [c for c in HISTORY_CALLS if c.split(",")[3] >= WEDNESDAY]
    _write(folder / "calls.csv", CALLS + "\n".join(calls) + "\n")
    tickets = [t for t in HISTORY_TICKETS if t.split(",")[2] >= WEDNESDAY]
    _write(folder / "tickets.csv", TICKETS + "\n".join(tickets) + "\n")
    return folder


def _last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str, set[str]]:
    kind, reason, seconds = con.execute(
        "select kind, reason, step_seconds from meta.builds order by build_id desc limit 1"
    ).fetchone()
    return kind, reason, set(json.loads(seconds))


def _cutoffs(con: duckdb.DuckDBPyConnection) -> dict[str, dict[dt.date, int]]:
    """Rows per cut-off of both tables."""
    return {
        table: dict(con.execute(f"select {col}, count(*) from {table} group by 1").fetchall())
        for table, col in ((FEATURES, "as_of_date"), (SCORES, "as_of"))
    }


def test_a_completed_week_moves_the_cut_off_then_a_mid_week_day_rescores_the_scope(
    settings, tmp_path
):
    quiet = quiet_settings(settings)
    run_load(quiet, _first_week(tmp_path / "week"))
    con = connect(quiet)
    monday, next_monday = dt.date(2026, 6, 8), dt.date(2026, 6, 15)
    assert _cutoffs(con) == {FEATURES: {monday: 7}, SCORES: {monday: 7}}
    con.close()

    # Thursday to Sunday: the week of 06-08 is complete, the cut-off moves to 06-15.
    assert run_load(quiet, _rest_of_week(tmp_path / "rest")).build.startswith("incremental")
    con = connect(quiet)
    kind, reason, steps = _last_build(con)
    assert (kind, reason) == ("incremental", "churn-risk cut-off 2026-06-08 → 2026-06-15: "
                                             "rebuilt in full")  # fmt: skip
    assert {FEATURES, "rpt_customers__risk"} <= steps and not steps & MERGED
    # Every customer rescored as of the new cut-off; the old cut-off's scores stay as history.
    assert _cutoffs(con) == {FEATURES: {next_monday: 7}, SCORES: {monday: 7, next_monday: 7}}
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}
    history = con.execute(
        f"from {SCORES} where as_of = ? order by customer_id", [monday]
    ).fetchall()
    con.close()

    # Monday 06-15 to Tuesday 00:30: the cut-off stays 06-15, only the scope is rescored.
    assert run_load(quiet, _day(tmp_path / "day")).build == "incremental (7 customers)"
    con = connect(quiet)
    kind, reason, steps = _last_build(con)
    assert (kind, reason) == ("incremental", "") and steps >= MERGED
    # F joined on 06-15 (active at the cut-off) and is scored; D moved to Liège.
    assert _cutoffs(con) == {FEATURES: {next_monday: 8}, SCORES: {monday: 7, next_monday: 8}}
    region = f"select region from {FEATURES} where customer_id = 'D'"
    assert _one(con, region) == "Liège"
    # The scope's scores of older cut-offs are history: merging must not touch them.
    assert con.execute(f"from {SCORES} where as_of = ? order by customer_id",
                       [monday]).fetchall() == history  # fmt: skip
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}


def test_events_after_the_cut_off_change_no_row(settings, tmp_path):
    """The day's calls, ticket and message all come after the cut-off 06-15 00:00: the
    incremental build rewrites its scope's rows with the very same values."""
    quiet = quiet_settings(settings)
    run_load(quiet, _history(tmp_path / "history"))
    con = connect(quiet)
    con.execute("create schema kept")
    for name, table in (("f", FEATURES), ("s", SCORES)):
        # Without the customers whose export row changed (D's region, F new).
        con.execute(f"create table kept.{name} as from {table} where customer_id not in ('D', 'F')")
    con.close()
    run_load(quiet, _day(tmp_path / "day"))
    con = connect(quiet)
    assert _last_build(con)[2] >= MERGED
    for name, table in (("f", FEATURES), ("s", SCORES)):
        now = f"from {table} where customer_id not in ('D', 'F')"
        assert con.execute(f"(from kept.{name} except all {now}) union all "
                           f"({now} except all from kept.{name})").fetchall() == []  # fmt: skip
    # An incremental build with nothing loaded since: an empty scope rescores nobody.
    build_all(con, quiet, incremental=True)
    assert inc.last_build(con) == "incremental (0 customers)"
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}


def test_build_cutoff_day_moves_every_day_and_rebuilds_in_full(settings, tmp_path):
    """``[risk] build_cutoff = "day"``: the old behaviour, a cut-off per day after the horizon."""
    daily = quiet_settings(settings, build_cutoff="day")
    run_load(daily, _history(tmp_path / "history"))
    run_load(daily, _day(tmp_path / "day"))
    con = connect(daily)
    kind, reason, steps = _last_build(con)
    assert reason == "churn-risk cut-off 2026-06-15 → 2026-06-17: rebuilt in full"
    assert kind == "incremental" and not steps & MERGED
    assert _cutoffs(con) == {
        FEATURES: {dt.date(2026, 6, 17): 8},
        SCORES: {dt.date(2026, 6, 15): 7, dt.date(2026, 6, 17): 8},
    }
    tables = _keep_copy(con)
    build_all(con, daily)
    assert _differences(con, tables) == {}


def _next_day(day: Path, folder: Path) -> Path:
    """The demo's last day of calls again, one day later (new call ids): Monday 07-06."""
    with (day / "calls.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for key, value in row.items():
            if key in ("call_id", "previous_call_id") and value:
                row[key] = value + "b"
            elif value.startswith("2026-07-05T"):
                row[key] = value.replace("2026-07-05T", "2026-07-06T", 1)
            elif value.startswith("2026-07-06T"):
                row[key] = value.replace("2026-07-06T", "2026-07-07T", 1)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "calls.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_small_demo_world_after_one_and_two_more_days(settings, tmp_path):
    """The demo ends on Sunday 07-05: history, its last day, then a Monday all share the
    cut-off 07-06, so both loads rescore their scope only."""
    from bench.world import split_last_day
    from ecoute.demo import generate

    quiet = quiet_settings(settings)
    world = tmp_path / "world"
    generate(world, customers=2400, weeks=3)
    split_last_day(world, tmp_path / "history", tmp_path / "day")
    mapping = Path("etl/mappings/demo_fr_excel.yaml")
    run_load(quiet, tmp_path / "history", mapping)
    for day in (tmp_path / "day", _next_day(tmp_path / "day", tmp_path / "day2")):
        assert run_load(quiet, day, mapping).build.startswith("incremental")
        con = connect(quiet)
        assert _last_build(con)[2] >= MERGED
        cutoffs = _cutoffs(con)
        assert set(cutoffs[FEATURES]) == set(cutoffs[SCORES]) == {dt.date(2026, 7, 6)}
        tables = _keep_copy(con)
        build_all(con, quiet)
        assert _differences(con, tables) == {}
        con.close()
