"""build_compensation and owed_table on a temporary DuckDB file with hand-written rows.

Expected, by hand (fixtures/staging.sql, tz Europe/Brussels, as of 2026-03-10 12:00 UTC):
- be_outage_2024: T1 72 h, fee €45 -> 3 x €1.50 = €4.50, accrued 2026-03-02;
  T3 still down 28 h, fee €20 (€0.67 < €1) -> €1 + €1 = €2.00, accrued 2026-03-09;
  T2 degraded and T4 cancelled owe nothing.
- be_easy_switch: A1 no-show €30.00 on 2026-03-03; A2 cancelled with 25 h notice: nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ecoute.compensation.packs import load_pack
from ecoute.warehouse.python.compensation import (
    SQL_KINDS,
    _sql,
    _write,
    build_compensation,
    owed_table,
    rebuild_compensation,
)

AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FIXTURE = Path(__file__).parents[2] / "ecoute" / "compensation" / "fixtures" / "staging.sql"


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute(FIXTURE.read_text(encoding="utf-8"))
    yield connection
    connection.close()


def _amounts(con) -> dict[tuple[str, str], Decimal]:
    rows = con.execute("select pack, incident_id, amount from core.fct_compensation").fetchall()
    return {(pack, incident): amount for pack, incident, amount in rows}


def test_builds_the_hand_computed_rows(con):
    assert build_compensation(con, "be_outage_2024", as_of=AS_OF) == 2
    assert build_compensation(con, "be_easy_switch", as_of=AS_OF) == 1
    assert _amounts(con) == {
        ("be_outage_2024", "T1"): Decimal("4.50"),
        ("be_outage_2024", "T3"): Decimal("2.00"),
        ("be_easy_switch", "A1"): Decimal("30.00"),
    }


def test_trace_and_accrual_date_are_stored(con):
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    query = ("select accrued_date, trace, trace_json::varchar, paid_amount "
             "from core.fct_compensation where incident_id = 'T1'")
    accrued, trace, trace_json, paid = con.execute(query).fetchone()
    assert accrued == date(2026, 3, 2)
    assert "1/30 of fee €45.00 = €1.50" in trace
    assert json.loads(trace_json)["periods"][2]["amount"] == "1.5000"  # floor shown to 4 decimals
    assert paid is None  # no staging.stg_payments: unknown, not zero


def test_without_as_of_running_incidents_are_left_out(con):
    """T3 has no restore time; with no cut-off the engine does not guess 'now'."""
    assert build_compensation(con, "be_outage_2024") == 1


def test_rebuild_replaces_only_its_own_pack(con):
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    build_compensation(con, "be_easy_switch", as_of=AS_OF)
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    assert len(_amounts(con)) == 3
    count = con.execute("select count(*) from core.fct_compensation").fetchone()[0]
    assert count == 3


def test_payments_are_added_when_the_table_exists(con):
    """€4.00 paid on T1 before the cut-off, €1 after it (ignored): outstanding €0.50;
    T3 has no payment: paid €0.00, outstanding €2.00."""
    con.execute("create table staging.stg_payments (customer_id varchar, incident_id varchar, "
                "paid_at timestamptz, amount decimal(18, 2))")
    con.execute("insert into staging.stg_payments values "
                "('C1', 'T1', '2026-03-06 10:00:00+00', 4.00), "
                "('C1', 'T1', '2026-03-11 10:00:00+00', 1.00)")
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    rows = con.execute("select incident_id, paid_amount, outstanding_amount "
                       "from core.fct_compensation order by incident_id").fetchall()
    assert rows == [("T1", Decimal("4.00"), Decimal("0.50")),
                    ("T3", Decimal("0.00"), Decimal("2.00"))]


def test_owed_table_filters_by_week_and_customer(con):
    """Week 2026-W10 (2-8 March): T1 and A1; 2026-W11: T3; customer C2: T3 only."""
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    build_compensation(con, "be_easy_switch", as_of=AS_OF)
    assert owed_table(con, "2026-W10", None)["incident_id"].to_list() == ["T1", "A1"]
    assert owed_table(con, "2026-W11", None)["incident_id"].to_list() == ["T3"]
    assert owed_table(con, None, "C2")["incident_id"].to_list() == ["T3"]
    assert owed_table(con, None, None).height == 3


def test_owed_table_rejects_a_malformed_week(con):
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    with pytest.raises(ValueError, match="2026-W14"):
        owed_table(con, "March", None)


def _pack_rows(con, pack: str) -> list[tuple]:
    query = ("select customer_id, incident_id, rule, amount, accrued_date, trace "
             "from core.fct_compensation where pack = ? order by all")
    return con.execute(query, [pack]).fetchall()


def test_batches_of_one_customer_give_the_same_rows(con):
    """With one customer per batch, C1 and C2 are read apart (hash buckets 0 and 1 of 2)."""
    assert con.execute("select hash('C1') % 2, hash('C2') % 2").fetchone() == (0, 1)
    con.execute("create table staging.stg_payments (customer_id varchar, incident_id varchar, "
                "paid_at timestamptz, amount decimal(18, 2))")
    con.execute("insert into staging.stg_payments values "
                "('C1', 'T1', '2026-03-06 10:00:00+00', 4.00), "
                "('C2', 'T3', '2026-03-10 10:00:00+00', 0.50)")
    whole = {}
    for pack in ("be_outage_2024", "be_easy_switch", "uk_ofcom_auto"):
        build_compensation(con, pack, as_of=AS_OF, batch_customers=1000)
        whole[pack] = _pack_rows(con, pack)
        assert build_compensation(con, pack, as_of=AS_OF, batch_customers=1) == len(whole[pack])
        assert _pack_rows(con, pack) == whole[pack]
    assert [r[1] for r in whole["be_outage_2024"]] == ["T1", "T3"]
    paid = con.execute("select incident_id, paid_amount from core.fct_compensation "
                       "where pack = 'be_outage_2024' order by 1").fetchall()
    assert paid == [("T1", Decimal("4.00")), ("T3", Decimal("0.50"))]


def test_a_pause_booked_for_another_customer_reaches_its_ticket_across_batches(con):
    """uk_ofcom_auto: T1 (C1) is down from Mon 2 March 08:00 UTC to Thu 5 March 08:00; Tue 3
    and Wed 4 are its two full working days, so Thu 5 earns £9.76 (rate of 2024-04-01).
    Appointment A3 is on T1 but booked for C2, which batches of one customer read apart: the
    customer was absent on Tue 3 and nothing was rebooked, so T1's clock stops for good."""
    def owed_t1() -> list[tuple]:
        return [r[3] for r in _pack_rows(con, "uk_ofcom_auto") if r[1] == "T1"]

    build_compensation(con, "uk_ofcom_auto", as_of=AS_OF, batch_customers=1)
    assert owed_t1() == [Decimal("9.76")]
    con.execute("insert into staging.stg_appointments values ('A3', 'C2', "
                "'2026-03-02 10:00:00+00', '2026-03-03 12:00:00+00', '2026-03-03 16:00:00+00', "
                "'customer_absent', 'T1', 'TECH7', null, null, null, null, null)")
    build_compensation(con, "uk_ofcom_auto", as_of=AS_OF, batch_customers=1)
    assert owed_t1() == []


def test_the_build_step_replaces_the_table_with_every_pack(con):
    """rebuild_compensation (the build's step) writes each configured pack once, and drops
    the rows of packs no longer configured."""
    build_compensation(con, "uk_ofcom_auto", as_of=AS_OF)
    packs = ["be_outage_2024", "be_easy_switch", "be_outage_2024"]
    assert rebuild_compensation(con, packs, as_of=AS_OF, batch_customers=1) == 3
    assert _amounts(con) == {
        ("be_outage_2024", "T1"): Decimal("4.50"),
        ("be_outage_2024", "T3"): Decimal("2.00"),
        ("be_easy_switch", "A1"): Decimal("30.00"),
    }


def _all_rows(con, packs: list[str], sql_kinds) -> list[tuple]:
    con.execute(_sql("fct_compensation"))
    _write(con, [load_pack(p) for p in packs], "Europe/Brussels", AS_OF, 1000, sql_kinds)
    query = ("select * replace (json(trace_json)::varchar as trace_json) "
             "from core.fct_compensation order by all")
    return con.execute(query).fetchall()


def test_the_kinds_in_sql_give_the_engines_rows_character_for_character(con):
    """Every pack valued by SQL (outage_tiered, per_event) and by the pure engine alone gives
    the same rows, traces included, on the fixture plus edge rows: C3's fee €24.15 (1/30 =
    €0.805, a tie the words round to even, €0.80, and the total rounds up: T5, 50 h and half
    a second, 3 periods = €1 + €1 + €0.805 = €2.805 -> €2.81, the clock
    starting at its network outage 2 h before the report); C4 without a fee; A4 cancelled
    with 23.5 h notice, A5 the technician late; a payment of €3 on T5 (one rule: it takes the
    surplus, outstanding -€0.19) and of €40 on A4."""
    con.execute("""
        create table staging.stg_outages (outage_id varchar, started_at timestamptz);
        insert into staging.stg_outages values ('O1', '2026-03-06 06:00:00+00');
        insert into staging.stg_customers values
            ('C3', 'residential', 'Gent', 'dsl_50', 24.15, '2019-01-15', null, 'nl'),
            ('C4', 'business', 'Gent', 'dsl_50', null, '2019-01-15', null, 'nl');
        insert into staging.stg_tickets values
            ('T5', 'C3', '2026-03-06 08:00:00+00', 'resolved', 'Internet', 'phone', 'high',
             'total', '2026-03-08 08:00:00.5+00', null, null, 0, 'Fibre-cut', 'O1'),
            ('T6', 'C4', '2026-03-01 08:00:00+00', 'resolved', 'internet', 'phone', 'high',
             'total', null, '2026-03-02 09:30:00+00', null, 0, null, null),
            ('T7', 'C4', '2026-03-01 08:00:00+00', 'resolved', 'internet', 'phone', 'high',
             'total', '2026-03-06 09:30:00+00', null, null, 0, 'In-home wiring', null);
        insert into staging.stg_appointments values
            ('A4', 'C3', '2026-03-01 09:00:00+00', '2026-03-05 07:00:00+00',
             '2026-03-05 11:00:00+00', 'cancelled_by_operator', 'T5', 'TECH7', null, null,
             '2026-03-04 07:30:00+00', null, null),
            ('A5', 'C4', '2026-03-01 09:00:00+00', '2026-03-06 07:00:00+00',
             '2026-03-06 11:00:00+00', 'completed', null, 'TECH7', '2026-03-06 11:20:00+00',
             null, null, null, null);
        create table staging.stg_payments (customer_id varchar, incident_id varchar,
                                           paid_at timestamptz, amount decimal(18, 2));
        insert into staging.stg_payments values
            ('C3', 'T5', '2026-03-06 10:00:00+00', 3.00),
            ('C3', 'A4', '2026-03-06 10:00:00+00', 40.00);
    """)
    packs = ["be_outage_2024", "be_easy_switch", "uk_ofcom_auto"]
    in_sql = _all_rows(con, packs, SQL_KINDS)
    assert in_sql == _all_rows(con, packs, frozenset())
    t5 = next(r for r in in_sql if r[1] == "T5" and r[4] == "be_outage_2024")
    assert (t5[5], t5[10], t5[11]) == (Decimal("2.81"), Decimal("3.00"), Decimal("-0.19"))
    assert "max(€0.50 flat, 1/30 of fee €24.15 = €0.80) = €0.80" in t5[8]
    assert {(r[1], r[4]) for r in in_sql} >= {("A4", "be_easy_switch"), ("A5", "uk_ofcom_auto"),
                                              ("T6", "be_outage_2024")}
    assert not any(r[1] == "T7" for r in in_sql)
