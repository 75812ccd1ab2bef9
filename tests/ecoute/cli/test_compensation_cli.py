"""``ecoute compensation`` over core.fct_compensation (rows worked out by hand in
tests/ecoute/compensation/test_warehouse.py: T1 €4.50 and T3 €2.00 under be_outage_2024,
A1 €30.00 under be_easy_switch, as of 2026-03-10 12:00 UTC)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.warehouse.python.compensation import build_compensation

FIXTURE = Path(__file__).parents[1] / "compensation" / "fixtures" / "staging.sql"
AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "ecoute.duckdb"
    con = duckdb.connect(str(path))
    con.execute(FIXTURE.read_text(encoding="utf-8"))
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    build_compensation(con, "be_easy_switch", as_of=AS_OF)
    con.close()
    return path


def run(warehouse, *args):
    return CliRunner().invoke(app, ["--warehouse", str(warehouse), "compensation", *args])


def test_json_with_trace(warehouse):
    result = run(warehouse, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    owed = {(r["pack"], r["incident_id"]): r["amount"] for r in rows}
    assert owed == {("be_outage_2024", "T1"): "4.50", ("be_outage_2024", "T3"): "2.00",
                    ("be_easy_switch", "A1"): "30.00"}  # fmt: skip
    a1 = next(r for r in rows if r["incident_id"] == "A1")
    assert a1["currency"] == "EUR" and a1["trace"] and a1["trace_data"]["rule"] == a1["rule"]


def test_customer_and_pack_filters(warehouse):
    result = run(warehouse, "--customer", "C2", "--pack", "be_outage_2024", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["incident_id"], r["amount"]) for r in rows] == [("T3", "2.00")]


def test_week_filter_and_table_total(warehouse):
    result = run(warehouse, "--week", "2026-W10")  # Monday 2026-03-02
    assert result.exit_code == 0, result.output
    assert "total EUR 34.50 owed to 1 customer\n" in result.output  # T1 4.50 + A1 30.00 (C1)
    # No payments table: what is still outstanding is unknown, never 0.00.
    assert "still outstanding: unknown (no payments loaded)\n" in result.output
    empty = run(warehouse, "--week", "2026-W20")
    assert empty.exit_code == 0 and "Nothing owed for week 2026-W20" in empty.output


def test_bad_input(warehouse, tmp_path):
    assert run(warehouse, "--week", "2026-W10", "--customer", "C1").exit_code == 2
    assert run(warehouse, "--week", "W10").exit_code == 2
    assert run(warehouse, "--format", "xml").exit_code == 2
    fresh = tmp_path / "fresh.duckdb"
    duckdb.connect(str(fresh)).close()
    missing = run(fresh)
    assert missing.exit_code == 1 and "run `ecoute build`" in missing.output


def test_table_outstanding_once_payments_are_loaded(tmp_path):
    # €4.00 paid on T1 (C1, W10): T1 4.50 + A1 30.00 owed, 34.50 − 4.00 = 30.50 outstanding.
    path = tmp_path / "paid.duckdb"
    con = duckdb.connect(str(path))
    con.execute(FIXTURE.read_text(encoding="utf-8"))
    con.execute(
        "create table staging.stg_payments (customer_id varchar, incident_id varchar, "
        "paid_at timestamptz, amount decimal(18, 2))"
    )
    con.execute("insert into staging.stg_payments values ('C1', 'T1', '2026-03-06 10:00:00+00', 4)")
    build_compensation(con, "be_outage_2024", as_of=AS_OF)
    build_compensation(con, "be_easy_switch", as_of=AS_OF)
    con.close()
    result = run(path, "--week", "2026-W10")
    assert result.exit_code == 0, result.output
    assert "still outstanding: EUR 30.50\n" in result.output and "unknown" not in result.output
