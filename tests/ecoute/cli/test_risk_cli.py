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
    assert set(by_id["C4"]) == {"customer_id", "score", "band", "reasons", "reason_codes"}
    assert by_id["C4"]["reasons"][0] == "mentions switching operator"
    assert by_id["C4"]["reason_codes"][0] == {
        "code": "churn_threat_messages", "value": 1.0, "text": None
    }


def test_reasons_in_the_language_asked_for(warehouse):
    """--lang says the stored codes in French; an unknown language is a usage error."""
    result = run(warehouse, "--as-of", "2026-03-15", "--format", "json", "--lang", "fr")
    assert result.exit_code == 0, result.output
    by_id = {c["customer_id"]: c for c in json.loads(result.output)["customers"]}
    assert by_id["C4"]["reasons"][0] == "parle de changer d'opérateur"
    assert run(warehouse, "--lang", "de").exit_code == 2
    assert 0 <= by_id["C4"]["score"] <= 1 and by_id["C4"]["band"] in ("low", "medium", "high")


def test_top_and_csv(warehouse):
    result = run(warehouse, "--as-of", "2026-03-15", "--top", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 2 and list(rows[0]) == ["customer_id", "score", "band", "reasons"]
    assert rows[0]["customer_id"] == "C2"  # two missed visits and a new customer


def _stored(warehouse, day):
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        query = f"select count(*) from marts.rpt_customers__risk where as_of = '{day}'"
        return con.execute(query).fetchone()[0]
    finally:
        con.close()


def test_a_read_writes_nothing_and_store_does(warehouse):
    result = run(warehouse, "--as-of", "2026-03-15")
    assert result.exit_code == 0, result.output
    assert "Churn risk as of 2026-03-15 (rules mode): 5 customers" in result.output
    assert "open repair for 15 days" in result.output
    assert _stored(warehouse, "2026-03-15") == 0
    assert run(warehouse, "--as-of", "2026-03-15", "--store").exit_code == 0
    assert _stored(warehouse, "2026-03-15") == 5


def test_the_builds_cutoff_is_read_from_the_mart(warehouse):
    """Without --as-of the build's cut-off (Monday 03-16) is read as stored: a score changed
    in the mart by hand shows, so nothing was rescored."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    con.execute("update marts.rpt_customers__risk set score = 0.5 where customer_id = 'C7'")
    con.close()
    result = run(warehouse, "--format", "json", "--top", "0")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["as_of"] == "2026-03-16"
    assert {c["customer_id"]: c["score"] for c in doc["customers"]}["C7"] == 0.5


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
    table = run(warehouse, "--as-of", "2026-03-17", "--top", "1")
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
