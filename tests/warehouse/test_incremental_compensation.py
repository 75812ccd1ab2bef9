"""Compensation in incremental builds (docs/incremental.md, docs/compensation.md): only the
customers a load touched and those with an incident still running at the previous horizon are
revalued, and core.fct_compensation ends exactly as a full build of the same data writes it.

Hand-checked with the Belgian packs (no monthly fee known: €1 past 8 h, €1 for the second
started day, €0.50 per further started day; a missed visit €30). Times are local (Brussels).
History ends at H1 = Sun 14 June 23:30 (X's call); day 1 at H2 = Mon 15 June 18:05; day 2,
three days later, at H3 = Thu 18 June 12:10.
- P: total outage from 14 June 20:00, never restored. H1: 3.5 h, nothing owed, so no row at all;
  H2: 22 h 05 → €1; H3: 88 h 10, 4 started days → €3.00. Nothing about P is ever loaded again.
- Q: total outage from Fri 12 June 08:00, never restored. H1: 63.5 h → €2.50; H2: 82 h 05 →
  €3.00; H3: 148 h 10, 7 started days → €4.50.
- R: total outage from 13 June 08:00, restored in day 1 at 10:00: 50 h → €2.50, final.
- S: no-show on 15 June, loaded with day 1 → €30.
- U: the operator cancelled U's 15 June 09:00 visit at 14 June 21:00 (12 h notice). At H1 the
  window has not started (nothing owed, no row); from H2 → €30.
- V: outage 1–3 June, restored after exactly 48 h → €2.00, final; V is never touched again.
- Z: a service promised for 13 June (optional staging.stg_activations), never activated:
  €6 per day late from 14 June: H1 → €6, H2 → €12, H3 → €30.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ecoute.core.db import connect
from ecoute.core.settings import Settings
from ecoute.jobs import load as run_load
from ecoute.warehouse.build import build_all
from ecoute.warehouse.python.compensation import build_compensation

CUSTOMERS = "customer_id,segment,region,plan,customer_since\n" + "".join(
    f"{c},residential,Brussels,fibre,2020-01-01\n" for c in "PQRSUVX"
)
CALLS = (
    "call_id,direction,initiation,started_at,queued_at,answered_at,ended_at,customer_id,"
    "disconnect_party,ticket_id,queue\n"
)
TICKETS = "ticket_id,customer_id,opened_at,status,category,service_loss,restored_at,resolved_at\n"
APPOINTMENTS = (
    "appointment_id,customer_id,booked_at,window_start,window_end,status,ticket_id,"
    "completed_at,cancelled_at\n"
)
HISTORY = {
    "customers.csv": CUSTOMERS,
    "calls.csv": CALLS + "h1,inbound,,2026-06-14 23:00,2026-06-14 23:00,2026-06-14 23:01,"
    "2026-06-14 23:30,X,customer,,tech\n",
    "tickets.csv": TICKETS
    + "TP,P,2026-06-14 20:00,open,internet,total,,\n"
    + "TQ,Q,2026-06-12 08:00,open,internet,total,,\n"
    + "TR,R,2026-06-13 08:00,open,internet,total,,\n"
    + "TV,V,2026-06-01 08:00,resolved,internet,total,2026-06-03 08:00,2026-06-03 09:00\n",
    "appointments.csv": APPOINTMENTS
    + "apU,U,2026-06-10 09:00,2026-06-15 09:00,2026-06-15 13:00,cancelled_by_operator,,,"
    "2026-06-14 21:00\n",
}
DAY_1 = {
    "calls.csv": CALLS + "d1,inbound,,2026-06-15 18:00,2026-06-15 18:00,2026-06-15 18:01,"
    "2026-06-15 18:05,X,customer,,tech\n",
    "tickets.csv": TICKETS
    + "TR,R,2026-06-13 08:00,resolved,internet,total,2026-06-15 10:00,2026-06-15 10:00\n",
    "appointments.csv": APPOINTMENTS
    + "apS,S,2026-06-10 09:00,2026-06-15 08:00,2026-06-15 12:00,no_show,,,\n",
}
DAY_2 = {
    "calls.csv": CALLS + "d2,inbound,,2026-06-18 12:00,2026-06-18 12:00,2026-06-18 12:01,"
    "2026-06-18 12:10,X,customer,,tech\n",
}
ACTIVATIONS = (
    "create schema if not exists staging; "
    "create table staging.stg_activations (activation_id varchar, customer_id varchar, "
    "promised_date date, activated_at timestamptz); "
    "insert into staging.stg_activations values ('ACT1', 'Z', '2026-06-13', null)"
)
FCT = "core.fct_compensation"


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def quiet(settings: Settings) -> Settings:
    return settings.with_overrides(
        expectations={"enabled": False}, warehouse={"incremental_max_share": 1.0}
    )


def _load(settings: Settings, folder: Path) -> str:
    return run_load(settings, folder).build


def _amounts(con: duckdb.DuckDBPyConnection) -> dict[str, Decimal]:
    rows = con.execute(f"select incident_id, amount from {FCT}").fetchall()
    return dict(rows)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def _scope(con: duckdb.DuckDBPyConnection) -> int:
    return _one(con, "select scope_customers from meta.builds order by build_id desc limit 1")


def _equals_a_full_build(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Every derived table as the incremental build left it == a full build, both ways."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in "
        "('intermediate', 'core', 'marts') and database_name = current_database() order by all"
    ).fetchall()
    con.execute("create schema if not exists kept")
    for schema, name in tables:
        con.execute(f"create or replace table kept.{schema}__{name} as from {schema}.{name}")
    build_all(con, settings)
    for schema, name in tables:
        new, old = f"{schema}.{name}", f"kept.{schema}__{name}"
        assert con.execute(f"from {old} except all from {new}").fetchall() == [], new
        assert con.execute(f"from {new} except all from {old}").fetchall() == [], new


def _with_activations(settings: Settings) -> None:
    con = connect(settings)
    con.execute(ACTIVATIONS)
    con.close()


def test_running_incidents_accrue_and_ended_ones_stay_as_they_were(quiet, tmp_path):
    _with_activations(quiet)
    assert _load(quiet, _folder(tmp_path / "history", HISTORY)) == "full (first build)"
    con = connect(quiet)
    assert _amounts(con) == {"TQ": Decimal("2.50"), "TR": Decimal("2.00"),
                             "TV": Decimal("2.00"), "ACT1": Decimal("6.00")}  # fmt: skip
    v_before = con.execute(f"from {FCT} where customer_id = 'V'").fetchall()
    con.close()

    assert _load(quiet, _folder(tmp_path / "day1", DAY_1)).startswith("incremental")
    con = connect(quiet)
    # Touched: X (call), R (restore), S (visit). Waiting on the horizon: P and Q (outages
    # running at H1), U (a visit window after H1), Z (not activated at H1). Not V.
    assert _scope(con) == 7
    steps = _one(con, "select step_seconds from meta.builds order by build_id desc limit 1")
    assert "merge core.fct_compensation" in steps  # rebuilt for the scope, not in full
    assert _amounts(con) == {
        "TP": Decimal("1.00"),  # no row at H1: found through the staging query, not the table
        "TQ": Decimal("3.00"),
        "TR": Decimal("2.50"),
        "apS": Decimal("30.00"),
        "apU": Decimal("30.00"),
        "TV": Decimal("2.00"),
        "ACT1": Decimal("12.00"),
    }
    # V's row was not rebuilt, and a full build would write it identically.
    assert con.execute(f"from {FCT} where customer_id = 'V'").fetchall() == v_before
    horizon = _one(con, "select horizon_at from intermediate.int_data__horizon")
    running = dict(con.execute(f"select incident_id, as_of from {FCT}").fetchall())
    assert running == {"TP": horizon, "TQ": horizon, "ACT1": horizon,
                       "TR": None, "apS": None, "apU": None, "TV": None}  # fmt: skip
    _equals_a_full_build(con, quiet)


def test_a_horizon_moved_several_days(quiet, tmp_path):
    _with_activations(quiet)
    _load(quiet, _folder(tmp_path / "history", HISTORY))
    _load(quiet, _folder(tmp_path / "day1", DAY_1))
    assert _load(quiet, _folder(tmp_path / "day2", DAY_2)).startswith("incremental")
    con = connect(quiet)
    # X touched; P, Q, Z still running at H2; and one customer whose fault, restored before its
    # target, the new horizon decides (core.fct_tickets' pending rule, models.yml). R, S, U, V:
    # ended, untouched.
    assert _scope(con) == 5
    amounts = _amounts(con)
    assert (amounts["TP"], amounts["TQ"], amounts["ACT1"]) == (
        Decimal("3.00"), Decimal("4.50"), Decimal("30.00"))  # fmt: skip
    assert _one(con, f"select max(as_of) from {FCT}") == datetime(2026, 6, 18, 10, 10, tzinfo=UTC)
    _equals_a_full_build(con, quiet)


def test_loads_without_build_then_one_incremental_build(quiet, tmp_path):
    _load(quiet, _folder(tmp_path / "history", HISTORY))
    run_load(quiet, _folder(tmp_path / "day1", DAY_1), build=False)
    run_load(quiet, _folder(tmp_path / "day2", DAY_2), build=False)
    con = connect(quiet)
    build_all(con, quiet, incremental=True, atomic=False)
    assert _amounts(con)["TP"] == Decimal("3.00")
    _equals_a_full_build(con, quiet)


def test_a_pack_computed_on_demand_goes_as_in_a_full_build(quiet, tmp_path):
    """`ecoute compensation --pack uk_ofcom_auto` writes that pack's rows; a full build drops
    them (only the configured packs), so an incremental build must drop them too, or the CLI
    would show them valued as of the old horizon."""
    _load(quiet, _folder(tmp_path / "history", HISTORY))
    _load(quiet, _folder(tmp_path / "day1", DAY_1))
    con = connect(quiet)
    # A later cut-off than the horizon makes Q's repair overdue under the UK pack too; S's
    # and U's missed visits are rows of customers day 2 leaves out of the scope.
    assert build_compensation(con, "uk_ofcom_auto", as_of=datetime(2026, 6, 30, tzinfo=UTC)) > 2
    assert _one(con, f"select count(*) from {FCT} where pack = 'uk_ofcom_auto' "
                     "and customer_id in ('S', 'U')") == 2  # fmt: skip
    con.close()
    _load(quiet, _folder(tmp_path / "day2", DAY_2))
    con = connect(quiet)
    assert _one(con, f"select count(*) from {FCT} where pack = 'uk_ofcom_auto'") == 0
    _equals_a_full_build(con, quiet)
