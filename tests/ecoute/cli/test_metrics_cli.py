"""The metrics, customer and worst commands, end to end on a built warehouse file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call


@pytest.fixture
def warehouse(tmp_path):
    calls = [
        call(
            "A1",
            "2026-02-23 09:00",
            "2026-02-23 09:05",
            "C1",
            answered="2026-02-23 09:00:10",
            party="system",
        ),
        call(
            "A2",
            "2026-02-24 09:00",
            "2026-02-24 09:05",
            "C2",
            answered="2026-02-24 09:00:10",
            party="agent",
            ticket_id="T1",
        ),
        call(
            "B1",
            "2026-03-02 09:00",
            "2026-03-02 09:05",
            "C1",
            answered="2026-03-02 09:00:10",
            party="agent",
            ticket_id="T1",
        ),
        call(
            "B2",
            "2026-03-02 10:00",
            "2026-03-02 10:05",
            "C2",
            answered="2026-03-02 10:00:10",
            party="system",
            ticket_id="T1",
        ),
    ]
    messages = [
        {
            "message_id": "M9",
            "customer_id": "C5",
            "received_at": bxl("2026-03-20 09:00"),
            "channel": "email",
            "body": "horizon",
        }
    ]
    con = build(tmp_path, {"customers": CUSTOMERS, "calls": calls, "messages": messages})
    con.close()
    return str(tmp_path / "ecoute.duckdb")


def run(warehouse, *args):
    result = CliRunner().invoke(app, ["--warehouse", warehouse, *args])
    return result


def test_metrics_json_shape(warehouse):
    result = run(warehouse, "metrics", "--week", "2026-W10", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["week"] == "2026-W10"
    assert doc["params"]["service_level_s"] == 20
    # B2 of B1, B2 dropped → 1/2; the week before A1 of A1, A2 → 0.5
    assert doc["metrics"]["dropped_call_rate"] == {
        "value": 0.5,
        "numerator": 1.0,
        "denominator": 2.0,
        "previous": 0.5,
        "kind": "ratio",
        # W10's last day is Sunday 8 March; the horizon message is later: every value is final
        "settled": True,
        "settles_on": "2026-03-08",
        "previous_settled": True,
        "previous_settles_on": "2026-03-01",
    }


def test_metrics_table_and_csv(warehouse):
    table = run(warehouse, "metrics", "--week", "2026-W10")
    assert table.exit_code == 0, table.output
    assert "dropped_call_rate" in table.stdout and "50.0%" in table.stdout
    out = run(warehouse, "metrics", "--week", "2026-W10", "--by", "region", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    liege = [r for r in rows if r["metric"] == "dropped_call_rate" and r["slice"] == "Liège"]
    assert liege[0]["value"] == "0.0" and liege[0]["previous"] == "1.0"


def test_metrics_refuses_a_bad_week_and_a_missing_warehouse(warehouse, tmp_path):
    assert run(warehouse, "metrics", "--week", "2026-27").exit_code == 2
    missing = run(str(tmp_path / "none.duckdb"), "metrics", "--week", "2026-W10")
    assert missing.exit_code == 1 and "no warehouse" in missing.stderr


def test_customer_json_and_text(warehouse):
    result = run(warehouse, "customer", "C2", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {"customer_id", "events", "summary"}
    assert [e["id"] for e in doc["events"]] == ["A2", "B2"]
    assert set(doc["events"][0]) >= {"at", "kind", "id", "flags"}
    assert "dropped" in doc["events"][1]["flags"]
    text = run(warehouse, "customer", "C2", "--as-of", "2026-02-28")
    assert text.exit_code == 0 and "A2" in text.stdout and "B2" not in text.stdout
    assert run(warehouse, "customer", "C404").exit_code == 2  # a typo, said in one line


def test_customer_and_worst_in_french_and_dutch(warehouse):
    """--lang says the journey's facts, flags and titles in that language (the mart holds codes
    and JSON facts); an unknown language is a usage error."""
    text = run(warehouse, "customer", "C2", "--lang", "fr").stdout
    assert text.startswith("Client C2 (heure locale)")
    assert "appel entrant" in text and "inbound call" not in text
    assert "Ce qui a mal tourné : " in text and "coupé" in text
    worst = run(warehouse, "worst", "--week", "2026-W10", "--lang", "nl").stdout
    assert worst.startswith("Klanten met de slechtste week, 2026-W10")
    assert run(warehouse, "customer", "C2", "--lang", "de").exit_code == 2


def test_worst(warehouse):
    result = run(warehouse, "worst", "--week", "2026-W10", "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # C2: B2 dropped, no callback 3 + repeats A2 (6 days) 1 = 4;
    # C1: B1 repeats A1 (7 days) 1 + A1 had no ticket: context lost 2 = 3
    assert [(c["customer_id"], c["score"]) for c in doc["customers"]] == [("C2", 4), ("C1", 3)]
    assert run(warehouse, "worst", "--week", "2026-W10").exit_code == 0


def test_help_is_there():
    for command in ("metrics", "customer", "worst"):
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0


def test_an_unsettled_week_says_when_it_will_be_final(warehouse):
    """The horizon is Friday 20 March 09:00 (the last message). W11 (from 9 March): a call's
    FCR window (7 days) may end as late as Monday 23 March, so fcr_rate is not final; its
    abandon rate is (the week ended on 16 March). First-time fix waits 30 days after W10."""
    doc = json.loads(run(warehouse, "metrics", "--week", "2026-W11", "--format", "json").stdout)
    fcr = doc["metrics"]["fcr_rate"]
    assert (fcr["settled"], fcr["settles_on"]) == (False, "2026-03-23")
    assert (fcr["previous_settled"], fcr["previous_settles_on"]) == (True, "2026-03-16")
    assert doc["metrics"]["abandon_rate"]["settled"] is True
    table = run(warehouse, "metrics", "--week", "2026-W11").stdout
    line = next(x for x in table.splitlines() if x.startswith("fcr_rate "))
    assert "not settled yet (final on 2026-03-23)" in line
    w10 = run(warehouse, "metrics", "--week", "2026-W10").stdout
    line = next(x for x in w10.splitlines() if x.startswith("first_time_fix_rate "))
    assert "not settled yet (final on 2026-04-08)" in line
    line = next(x for x in w10.splitlines() if x.startswith("dropped_call_rate "))
    assert "50.0%" in line and "not settled" not in line
