"""``ecoute risk`` and ``ecoute risk train`` on the hand-written world of tests/ecoute/risk."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from tests.ecoute.risk._fixtures import small_world


@pytest.fixture
def warehouse(tmp_path):
    small_world(tmp_path).close()
    return tmp_path / "ecoute.duckdb"


def run(warehouse, *args):
    result = CliRunner().invoke(app, ["--warehouse", str(warehouse), "risk", *args])
    return result


def test_json_per_customer(warehouse):
    result = run(warehouse, "--as-of", "2026-03-15", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["as_of"] == "2026-03-15" and doc["mode"] == "rules"
    by_id = {c["customer_id"]: c for c in doc["customers"]}
    assert set(by_id) == {"C1", "C2", "C3", "C4", "C7"}
    assert set(by_id["C4"]) == {"customer_id", "score", "band", "reasons"}
    assert by_id["C4"]["reasons"][0] == "mentions switching operator"
    assert 0 <= by_id["C4"]["score"] <= 1 and by_id["C4"]["band"] in ("low", "medium", "high")


def test_top_and_csv(warehouse):
    result = run(warehouse, "--as-of", "2026-03-15", "--top", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 2 and list(rows[0]) == ["customer_id", "score", "band", "reasons"]
    assert rows[0]["customer_id"] == "C2"  # two missed visits and a new customer


def test_table_and_the_scores_are_stored(warehouse):
    import duckdb

    result = run(warehouse, "--as-of", "2026-03-15", "--store")
    assert result.exit_code == 0, result.output
    assert "Churn risk as of 2026-03-15 (rules mode): 5 customers" in result.output
    assert "open repair for 15 days" in result.output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        stored = con.execute(
            "select count(*) from marts.rpt_customers__risk where as_of = '2026-03-15'"
        ).fetchone()[0]
    finally:
        con.close()
    assert stored == 5


def test_one_customer_per_batch_lists_and_stores_the_same(warehouse):
    """Scored one customer at a time (five batches), then all at once: same list, same
    stored rows, same band counts; --no-store writes nothing."""
    import duckdb

    args = ("--as-of", "2026-03-15", "--top", "0", "--format", "json", "--store")
    batched = CliRunner().invoke(
        app, ["--warehouse", str(warehouse), "risk", *args],
        env={"ECOUTE__WAREHOUSE__BATCH_CUSTOMERS": "1"},
    )  # fmt: skip
    assert batched.exit_code == 0, batched.output
    con = duckdb.connect(str(warehouse), read_only=True)
    stored = con.execute("select * from marts.rpt_customers__risk order by all").fetchall()
    con.close()
    whole = run(warehouse, *args)
    assert json.loads(batched.output) == json.loads(whole.output)
    assert len(json.loads(whole.output)["customers"]) == 5
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select * from marts.rpt_customers__risk order by all").fetchall() == stored
    con.close()
    # 03-17: a cut-off nothing stored (the build's own is Monday 03-16, the data's week).
    table = run(warehouse, "--as-of", "2026-03-17", "--no-store", "--top", "1")
    assert table.exit_code == 0, table.output
    assert "5 customers" in table.output and table.output.count("\nC") == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    query = "select count(*) from marts.rpt_customers__risk where as_of = '2026-03-17'"
    assert con.execute(query).fetchone() == (0,)
    con.close()


def test_bad_input(warehouse, tmp_path):
    assert run(warehouse, "--as-of", "15/03/2026").exit_code == 2
    assert run(warehouse, "--format", "xml").exit_code == 2
    missing = run(tmp_path / "nothing.duckdb", "--no-store")
    assert missing.exit_code == 1 and "no warehouse" in missing.output


def test_train_needs_churners(warehouse):
    # One churner in the whole world: nothing to learn from, said plainly.
    result = run(warehouse, "train", "--as-of", "2026-03-15")
    assert result.exit_code == 1
    assert "cannot train" in result.output
