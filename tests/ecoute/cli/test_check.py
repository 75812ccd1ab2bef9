# ruff: noqa: E501 - fixture SQL reads best one clause per line
"""``ecoute check``: re-runs the suites on what is loaded, records them, exits 1 on a blocking failure."""

from __future__ import annotations

import json

import duckdb
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.etl.schema import create_raw_tables

CALLS = """
    insert into raw.calls (call_id, direction, started_at, ended_at, initiation, customer_id,
                           queue, answered_at, disconnect_party, _load_id)
    select 'c' || i, 'inbound', timestamptz '2026-06-14 08:00:00+00' + to_seconds(i * 60),
           timestamptz '2026-06-14 08:05:00+00' + to_seconds(i * 60), 'inbound', 'k' || (i % 9),
           'billing', case when i % 4 > 0 then timestamptz '2026-06-14 08:01:00+00' + to_seconds(i * 60) end,
           'customer', 1
    from range(100) t(i)
"""


def _warehouse(path, answered: bool = True) -> None:
    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    create_raw_tables(con)
    con.execute("insert into meta.loads (load_id, started_at, status) "
                "values (1, timestamptz '2026-06-15 06:00:00+00', 'completed')")  # fmt: skip
    con.execute("insert into meta.load_files (load_id, entity, path, status, rows_loaded) "
                "values (1, 'calls', 'calls.csv', 'loaded', 100)")  # fmt: skip
    con.execute(CALLS)
    con.execute("insert into raw.customers (customer_id, _load_id) select 'k' || range, 1 from range(9)")
    if not answered:
        con.execute("update raw.calls set answered_at = null")
    con.close()


def _run(path, *args, rerun=True):
    flags = ["--run"] if rerun else []
    return CliRunner().invoke(app, ["--warehouse", str(path), "check", *flags, *args])


def test_check_passes_records_and_prints_json(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    result = _run(path, "--entity", "calls", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["status"] for r in rows} == {"passed"}
    assert {r["expectation"] for r in rows} >= {"answered_inbound_share", "freshness"}
    con = duckdb.connect(str(path), read_only=True)
    recorded = con.execute(
        "select count(*), count(load_id) from meta.expectation_results"
    ).fetchone()
    con.close()
    assert recorded == (len(rows), 0)  # load_id NULL: a re-check, not a load


def test_check_exits_1_on_a_blocking_failure_and_names_it(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(path, answered=False)
    result = _run(path, "--entity", "calls", "--as-of", "2026-06-15")
    assert result.exit_code == 1
    assert "blocking: calls.answered_inbound_share [block] failed: observed 0.0" in result.stderr


def test_check_stale_data_warns_but_passes(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    result = _run(path, "--entity", "calls", "--as-of", "2026-08-01", "--format", "json")
    assert result.exit_code == 0
    (fresh,) = [r for r in json.loads(result.stdout) if r["expectation"] == "freshness"]
    assert (fresh["status"], fresh["severity"]) == ("failed", "warn")


def test_check_without_a_warehouse_fails_cleanly(tmp_path):
    result = _run(tmp_path / "missing.duckdb")
    assert result.exit_code == 1 and "no warehouse" in result.stderr


def test_check_reads_the_recorded_verdicts_without_running_anything(tmp_path):
    """After a --run that failed the answered share (0 of 100 calls answered), a plain
    `check` prints the same verdicts and exits 1, and records nothing more."""
    path = tmp_path / "w.duckdb"
    _warehouse(path, answered=False)
    first = _run(path, rerun=False)
    assert first.exit_code == 1 and "ecoute check --run" in first.stderr
    ran = _run(path, "--entity", "calls", "--as-of", "2026-06-15", "--format", "json")
    assert ran.exit_code == 1
    con = duckdb.connect(str(path), read_only=True)
    recorded = con.execute("select count(*) from meta.expectation_results").fetchone()[0]
    con.close()
    read = _run(path, "--format", "json", rerun=False)
    assert read.exit_code == 1
    assert "blocking: calls.answered_inbound_share [block] failed: observed 0.0" in read.stderr
    by_name = {r["expectation"]: r for r in json.loads(read.stdout)}
    assert by_name["answered_inbound_share"]["status"] == "failed"
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from meta.expectation_results").fetchone()[0] == recorded
    con.close()
    assert _run(path, "--as-of", "2026-06-15", rerun=False).exit_code == 2


def test_check_engine_needs_run_and_a_known_name(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    assert _run(path, "--engine", "gx", rerun=False).exit_code == 2
    assert _run(path, "--engine", "spark").exit_code == 2
    result = _run(path, "--entity", "calls", "--engine", "duckdb", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {r["status"] for r in json.loads(result.stdout)} == {"passed"}
