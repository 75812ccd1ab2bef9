"""The incremental build (warehouse/incremental.py) leaves every derived table exactly as a full
build over the same data would: hand-made history + one day, and a small demo world split into
history + its last day. Each test loads the history (full build), loads the day (incremental
build), keeps a copy of every derived table, rebuilds in full and compares, order-insensitive."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ecoute.core.db import connect
from ecoute.core.settings import Settings
from ecoute.etl.pipeline import LoadError
from ecoute.jobs import load as run_load
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.build import build_all, params_of, python_steps
from ecoute.warehouse.config import CONFIG_FILE, GRAINS
from ecoute.warehouse.runner import MODELS_DIR, discover

DERIVED = ("intermediate", "core", "marts")

CUSTOMERS = "customer_id,segment,region,plan,customer_since\n"
HISTORY_CUSTOMERS = {
    "A": "A,residential,Brussels,fibre,2020-01-01",
    "B": "B,residential,Antwerp,fibre,2020-01-01",
    "C": "C,business,Brussels,pro,2021-01-01",
    "D": "D,residential,Antwerp,coax,2019-05-01",
    "E": "E,residential,Brussels,coax,2022-03-01",
    "G": "G,residential,Antwerp,fibre,2018-01-01",
    "H": "H,residential,Ghent,fibre,2023-01-01",
}
CALLS = (
    "call_id,direction,initiation,started_at,queued_at,answered_at,ended_at,customer_id,"
    "disconnect_party,ticket_id,queue\n"
)
HISTORY_CALLS = [
    "c1,inbound,,2026-06-01 09:00,2026-06-01 09:00,2026-06-01 09:01,2026-06-01 09:10,A,customer,T1,tech",
    # C's call drops at 23:30 on Sunday: its 2-hour callback window ends after midnight, in the day.
    "c2,inbound,,2026-06-14 23:00,2026-06-14 23:00,2026-06-14 23:01,2026-06-14 23:30,C,system,,tech",
    # E's drop is never called back; its window ends in the day, and E sends nothing that day.
    "c3,inbound,,2026-06-14 22:00,2026-06-14 22:00,2026-06-14 22:01,2026-06-14 22:30,E,system,,tech",
    "c4,inbound,,2026-06-10 10:00,2026-06-10 10:00,2026-06-10 10:01,2026-06-10 10:05,D,customer,,billing",
    "c5,inbound,,2026-06-12 12:00,2026-06-12 12:00,,2026-06-12 12:02,,customer,,tech",
    "c6,inbound,,2026-06-11 09:00,2026-06-11 09:00,2026-06-11 09:01,2026-06-11 09:10,B,customer,T2,tech",
    # E calls about B's ticket: another customer's row that B's ticket counts as a contact.
    "c7,inbound,,2026-06-12 15:00,2026-06-12 15:00,2026-06-12 15:01,2026-06-12 15:06,E,customer,T2,tech",
    "c8,inbound,,2026-05-04 09:00,2026-05-04 09:00,2026-05-04 09:01,2026-05-04 09:05,G,customer,,tech",
    # G's answered call: its 7-day FCR window ends on the day, so it is decided then.
    "c9,inbound,,2026-06-08 10:00,2026-06-08 10:00,2026-06-08 10:01,2026-06-08 10:10,G,customer,,tech",
    # H, never in scope, calls about B's ticket T3, which is rebuilt: T3 must still count it.
    "c14,inbound,,2026-06-12 10:00,2026-06-12 10:00,2026-06-12 10:01,2026-06-12 10:09,H,customer,T3,tech",
]
DAY_CALLS = [
    "c10,outbound,callback,2026-06-15 00:45,,2026-06-15 00:46,2026-06-15 00:50,C,customer,,tech",
    "c11,inbound,,2026-06-15 09:00,2026-06-15 09:00,2026-06-15 09:01,2026-06-15 09:05,F,customer,,tech",
    "c12,inbound,,2026-06-15 11:00,2026-06-15 11:00,,2026-06-15 11:01,,customer,,tech",
    "c13,inbound,,2026-06-15 18:00,2026-06-15 18:00,2026-06-15 18:01,2026-06-15 18:05,D,customer,,tech",
]
TICKETS = "ticket_id,customer_id,opened_at,status,category,service_loss,restored_at,resolved_at\n"
HISTORY_TICKETS = [
    "T1,A,2026-05-20 09:00,open,internet,total,,",
    # Opened Saturday: under 2 days old at the history's end, over 2 days old at the day's end.
    "T2,B,2026-06-13 10:00,open,internet,total,,",
    # Opened Thursday: its repair target (2 working days) ends at Tuesday 00:00, in the day.
    "T3,B,2026-06-11 08:00,open,internet,partial,,",
    "T4,G,2026-05-04 08:00,resolved,tv,total,2026-05-05 08:00,2026-05-05 09:00",
]
# T1, open for weeks, is closed on the day (a correction of an old row).
DAY_TICKETS = ["T1,A,2026-05-20 09:00,resolved,internet,total,2026-06-15 10:00,2026-06-15 10:00"]
APPOINTMENTS = (
    "appointment_id,customer_id,booked_at,window_start,window_end,status,ticket_id,completed_at,"
    "fixed\n"
    "ap1,A,2026-05-21 09:00,2026-06-03 08:00,2026-06-03 12:00,completed,T1,2026-06-03 11:00,false\n"
)
# A visit for a ticket no export carries (TX), said fixed; the day corrects it to not fixed.
# Its 30-day refix window ended before the history's horizon, so the flag is decided (true)
# there, and the correction must turn it false.
HISTORY_AP2 = (
    "ap2,C,2026-05-01 09:00,2026-05-08 08:00,2026-05-08 12:00,completed,TX,2026-05-08 11:00,"
)
# A message after midnight moves the horizon past T3's target (Tuesday 00:00).
DAY_MESSAGES = (
    '{"message_id": "m1", "customer_id": "A", "received_at": "2026-06-16 00:30", '
    '"channel": "email", "body": "Still no internet, I want compensation."}\n'
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _history(folder: Path) -> Path:
    _write(folder / "customers.csv", CUSTOMERS + "\n".join(HISTORY_CUSTOMERS.values()) + "\n")
    _write(folder / "calls.csv", CALLS + "\n".join(HISTORY_CALLS) + "\n")
    _write(folder / "tickets.csv", TICKETS + "\n".join(HISTORY_TICKETS) + "\n")
    _write(folder / "appointments.csv", APPOINTMENTS + HISTORY_AP2 + "true\n")
    return folder


def _day(folder: Path) -> Path:
    # The customer export comes whole again: D moved region, F is new, the rest is unchanged.
    customers = {**HISTORY_CUSTOMERS, "D": "D,residential,Liège,coax,2019-05-01",
                 "F": "F,business,Ghent,pro,2026-06-15"}  # fmt: skip
    _write(folder / "customers.csv", CUSTOMERS + "\n".join(customers.values()) + "\n")
    _write(folder / "calls.csv", CALLS + "\n".join(DAY_CALLS) + "\n")
    _write(folder / "tickets.csv", TICKETS + "\n".join(DAY_TICKETS) + "\n")
    _write(folder / "messages.jsonl", DAY_MESSAGES)
    _write(
        folder / "appointments.csv", APPOINTMENTS.splitlines()[0] + "\n" + HISTORY_AP2 + "false\n"
    )
    return folder


def _derived(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in "
        f"{DERIVED} and database_name = current_database() order by all"
    ).fetchall()


def _keep_copy(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    tables = _derived(con)
    con.execute("create schema if not exists kept")
    for schema, name in tables:
        con.execute(f"create or replace table kept.{schema}__{name} as from {schema}.{name}")
    return tables


def _differences(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]]) -> dict:
    """Rows in one version and not the other (multisets), per table that differs."""
    assert _derived(con) == tables, "the full build made other tables"
    diff = {}
    for schema, name in tables:
        new, old = f"{schema}.{name}", f"kept.{schema}__{name}"
        only_old = con.execute(f"from {old} except all from {new}").fetchall()
        only_new = con.execute(f"from {new} except all from {old}").fetchall()
        if only_old or only_new:
            diff[new] = {"incremental only": only_old[:3], "full only": only_new[:3]}
    return diff


def _one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> object:
    return con.execute(sql, list(params)).fetchone()[0]


@pytest.fixture
def quiet(settings: Settings) -> Settings:
    return settings.with_overrides(
        expectations={"enabled": False}, warehouse={"incremental_max_share": 1.0}
    )


def test_history_then_day_equals_a_full_build(quiet, tmp_path):
    first = run_load(quiet, _history(tmp_path / "history"))
    assert first.build == "full (first build)"
    day = run_load(quiet, _day(tmp_path / "day"))
    assert day.build.startswith("incremental")
    con = connect(quiet)
    scope = _one(con, "select scope_customers from meta.builds order by build_id desc limit 1")
    # A, C, D, F touched; E (drop window ended), G (FCR window ended), B (repair target passed)
    # wait on the horizon. Nobody else exists here; the demo-world test checks the scope is small.
    assert scope == 7

    # The hand-checked outcomes, as the incremental build left them.
    assert _one(con, "select has_callback from core.fct_calls where call_id = 'c2'") is True
    assert _one(con, "select is_drop_window_elapsed from core.fct_calls where call_id = 'c3'")
    assert _one(con, "select has_callback from core.fct_calls where call_id = 'c3'") is False
    assert _one(con, "select is_fcr from core.fct_calls where call_id = 'c9'") is True
    assert _one(con, "select region from core.fct_calls where call_id = 'c4'") == "Liège"
    assert _one(con, "select is_unknown from core.dim_customers where customer_id = 'F'") is False
    assert _one(con, "select count(*) from core.fct_calls where customer_id is null") == 2
    t1 = con.execute(
        "select status, is_restored_within_target, contact_count from core.fct_tickets "
        "where ticket_id = 'T1'"
    ).fetchone()
    assert t1 == ("resolved", False, 1)
    t3 = "select is_restored_within_target, contact_count from core.fct_tickets where ticket_id = 'T3'"
    assert con.execute(t3).fetchone() == (False, 2)
    tx = "select is_first_time_fix from intermediate.int_tickets__visited where ticket_id = 'TX'"
    assert _one(con, tx) is False
    assert _one(con, "select contact_count from core.fct_tickets where ticket_id = 'T2'") == 2
    assert _one(
        con, "select count(*) from marts.rpt_customer__journey where customer_id = 'F'"
    ) == 1  # fmt: skip

    tables = _keep_copy(con)
    assert len(tables) >= 25
    build_all(con, quiet)
    assert _differences(con, tables) == {}


def test_a_small_demo_world_split_into_history_and_last_day(quiet, tmp_path):
    from bench.world import split_last_day
    from ecoute.demo import generate

    world = tmp_path / "world"
    generate(world, customers=300, weeks=3)
    split_last_day(world, tmp_path / "history", tmp_path / "day")
    mapping = Path("etl/mappings/demo_fr_excel.yaml")
    run_load(quiet, tmp_path / "history", mapping)
    assert run_load(quiet, tmp_path / "day", mapping).build.startswith("incremental")
    con = connect(quiet)
    scope, total = con.execute(
        "select scope_customers, (select count(*) from core.dim_customers) from meta.builds "
        "order by build_id desc limit 1"
    ).fetchone()
    assert 0 < scope < total / 3
    # Compensation was rebuilt for the scope and merged, with final and still-running rows.
    steps = _one(con, "select step_seconds from meta.builds order by build_id desc limit 1")
    assert "merge core.fct_compensation" in steps
    running = "select count(*) from core.fct_compensation where as_of is {} null"
    assert _one(con, running.format("not")) > 0 and _one(con, running.format("")) > 0
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}


def test_loads_without_build_then_one_incremental_build_not_atomic(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"))
    run_load(quiet, _day(tmp_path / "day"), build=False)
    con = connect(quiet)
    build_all(con, quiet, incremental=True, atomic=False)
    assert inc.last_build(con) == "incremental (7 customers)"
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}


def test_what_the_scope_cannot_capture_falls_back_to_a_full_build(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"))
    changed = quiet.with_overrides(metrics={"callback_window_h": 4})
    again = tmp_path / "again"
    _write(again / "calls.csv", CALLS + DAY_CALLS[0] + "\n")
    assert run_load(changed, again).build == (
        "full (parameters or model files changed since the last build)"
    )
    outage = tmp_path / "outage"
    _write(outage / "outages.csv", "outage_id,started_at,ended_at,region\n"
           "O1,2026-06-15 08:00,2026-06-15 12:00,Brussels\n")  # fmt: skip
    assert run_load(changed, outage).build == "full (outages changed (they concern many customers))"
    assert run_load(changed, outage, force=True).build.startswith("incremental")
    assert run_load(changed, again, force=True, full_build=True).build == "full (asked for)"


def test_a_failure_mid_build_rolls_back_to_the_previous_tables(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"))
    models = tmp_path / "models"
    for model in discover(MODELS_DIR):
        _write(models / model.schema / f"{model.name}.sql", model.sql)
    _write(models / CONFIG_FILE, (MODELS_DIR / CONFIG_FILE).read_text(encoding="utf-8"))
    broken = models / "core" / "fct_calls.sql"
    broken.write_text(broken.read_text().replace("select * from final", "select error('boom')"))
    con = connect(quiet)
    con.execute("insert into raw.calls (call_id, direction, started_at, ended_at, customer_id, "
                "_load_id) values ('c99', 'inbound', '2026-06-15 08:00', '2026-06-15 08:05', "
                "'A', 99)")  # fmt: skip
    before = _one(con, "select count(*) from core.fct_calls")
    params, steps = params_of(quiet), python_steps(quiet)
    fp = inc.fingerprint(params, steps, MODELS_DIR)  # the last build's: no fallback to full
    con.begin()
    with pytest.raises(duckdb.Error, match="boom"):
        inc.build_incremental(con, params, steps, fp, 1.0, models)
    con.rollback()
    assert _one(con, "select count(*) from core.fct_calls") == before
    assert _one(con, "select count(*) from staging.stg_calls") == len(HISTORY_CALLS) + 1
    assert _one(con, "select count(*) from duckdb_tables() where table_name like '\\_%' "
                     "escape '\\'") == 0  # fmt: skip


def test_every_model_declares_a_grain():
    for model in discover(MODELS_DIR):
        assert model.grain in GRAINS, f"{model.qualified}: declare its grain in models.yml"


def test_a_blocking_failure_changes_nothing(quiet, tmp_path):
    run_load(quiet, _history(tmp_path / "history"))
    bad = tmp_path / "bad"
    _write(bad / "calls.csv", "call_id,direction\nc1,inbound\n")
    with pytest.raises(LoadError):
        run_load(quiet, bad)
    con = connect(quiet)
    assert _one(con, "select count(*) from meta.builds") == 1


def test_a_changed_lexicon_forces_a_full_build(tmp_path, monkeypatch):
    """Intents are rebuilt per message: after a lexicon change every message must be
    reclassified, so the build fingerprint covers the lexicon files."""
    from ecoute.warehouse import incremental
    from ecoute.warehouse.runner import MODELS_DIR

    before = incremental.fingerprint({}, [], MODELS_DIR)
    (tmp_path / "en.yaml").write_text("language: en\n", encoding="utf-8")
    monkeypatch.setattr(incremental, "LEXICONS", tmp_path)
    assert incremental.fingerprint({}, [], MODELS_DIR) != before


def test_a_restored_fault_is_decided_when_its_target_passes(quiet, tmp_path):
    # B's fault, reported Thursday 11 June, is restored that afternoon; its target (Monday
    # 15 June 24:00) is after the history's horizon, so is_restored_within_target waits (null).
    # The day brings only A's message on Tuesday 16 June: B is not touched, yet the new horizon
    # decides B's ticket (true).
    history = tmp_path / "history"
    _write(history / "customers.csv", CUSTOMERS + "\n".join(HISTORY_CUSTOMERS.values()) + "\n")
    _write(
        history / "tickets.csv",
        TICKETS + "T5,B,2026-06-11 08:00,resolved,internet,total,2026-06-11 15:00,2026-06-11 15:00\n",
    )
    run_load(quiet, history)
    day = tmp_path / "day"
    _write(day / "messages.jsonl", DAY_MESSAGES)
    assert run_load(quiet, day).build.startswith("incremental")
    con = connect(quiet)
    flag = "select is_restored_within_target from core.fct_tickets where ticket_id = 'T5'"
    assert _one(con, flag) is True


def _message(message_id: str, customer: str, at: str, body: str) -> str:
    return (f'{{"message_id": "{message_id}", "customer_id": "{customer}", "received_at": '
            f'"{at}", "channel": "email", "body": "{body}"}}\n')  # fmt: skip


def test_only_the_messages_loaded_are_reclassified(quiet, tmp_path):
    # History: A wrote m0 (an outage), B wrote m2 (a bill). The day: A writes m1 (A is in scope,
    # m0 is not reclassified but A's facts still need its intents), and m2 comes corrected:
    # B's message is now about an outage. C's m3 is not touched at all.
    history = tmp_path / "history"
    _write(history / "customers.csv", CUSTOMERS + "\n".join(HISTORY_CUSTOMERS.values()) + "\n")
    _write(history / "messages.jsonl",
           _message("m0", "A", "2026-06-14 10:00", "No internet since this morning, outage?")
           + _message("m2", "B", "2026-06-14 11:00", "My invoice is wrong, I was billed twice.")
           + _message("m3", "C", "2026-06-14 12:00", "I want to cancel my contract."))  # fmt: skip
    run_load(quiet, history)
    day = tmp_path / "day"
    _write(day / "messages.jsonl",
           _message("m1", "A", "2026-06-15 09:00", "Still no internet, I want compensation.")
           + _message("m2", "B", "2026-06-14 11:00", "No internet and no TV since yesterday."))  # fmt: skip
    assert run_load(quiet, day).build.startswith("incremental")
    con = connect(quiet)
    per_message = dict(con.execute(
        "select message_id, list_sort(intents) from intermediate.int_messages__classified"
    ).fetchall())  # fmt: skip
    assert sorted(per_message) == ["m0", "m1", "m2", "m3"]
    assert per_message["m2"] == ["outage"]  # reclassified from its new text (was billing)
    facts = "select count(*) from core.fct_messages where customer_id = 'A' and len(intents) > 0"
    assert _one(con, facts) == 2  # m0's intents reached A's rebuilt facts
    tables = _keep_copy(con)
    build_all(con, quiet)
    assert _differences(con, tables) == {}
