"""Suites, overrides, the results table and the lazy GX import: no Great Expectations here."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ecoute.etl import SOURCES
from ecoute.expectations.report import ExpectationResult, ValidationReport
from ecoute.expectations.suites import SuiteError, load_suite, render, suite_names

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_package_and_the_cli_does_not_import_gx():
    # `python -c` matters: GX imports pyspark, which exits 0 silently when __main__ has no file,
    # so the script must print a marker for the test to mean anything.
    code = (
        "import sys, expectations, ecoute.cli; "
        "print('GX' if 'great_expectations' in sys.modules else 'no GX')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "no GX"


def test_one_suite_per_entity_and_every_suite_loads():
    assert suite_names() == sorted(SOURCES)
    for name in suite_names():
        suite = load_suite(name)
        severities = {e.severity for e in suite.expectations}
        assert suite.expectations and severities <= {"block", "warn"}
        assert any(e.name == "volume_vs_recent_loads" for e in suite.expectations)


def test_every_contract_enum_has_its_allowed_value_set():
    for name, entity in SOURCES.items():
        in_set = "expect_column_values_to_be_in_set"
        suite = {e.column: e for e in load_suite(name).expectations if e.expect == in_set}
        for f in entity.fields:
            if f.values:
                assert sorted(suite[f.name].kwargs["value_set"]) == sorted(f.values), (name, f.name)


def test_settings_override_one_expectation_or_a_whole_suite():
    overrides = {
        "severity": "warn",
        "freshness": {"severity": "block", "max_value": 30},
        "volume_vs_recent_loads": {"min_ratio": 0.2, "enabled": False},
    }
    suite = load_suite("calls", overrides)
    by = {e.name: e for e in suite.expectations}
    assert by["freshness"].severity == "block" and by["freshness"].kwargs["max_value"] == 30
    assert by["volume_vs_recent_loads"].params["min_ratio"] == 0.2
    assert not by["volume_vs_recent_loads"].enabled
    assert by["direction_values"].severity == "warn"  # block in the file; settings win
    with pytest.raises(SuiteError, match="unknown expectations"):
        load_suite("calls", {"no_such_check": {"severity": "warn"}})
    with pytest.raises(SuiteError, match="block or warn"):
        load_suite("calls", {"freshness": {"severity": "fatal"}})


def test_placeholders_become_sql_literals():
    as_of = dt.datetime(2026, 6, 15, tzinfo=dt.UTC)
    sql = render("${a} ${b} ${c} ${d}", {"a": "o'brien", "b": None, "c": 0.5, "d": as_of})
    assert sql == "'o''brien' null 0.5 timestamptz '2026-06-15T00:00:00+00:00'"
    with pytest.raises(SuiteError, match="unknown placeholder"):
        render("${nope}", {})


def _result(status: str, severity: str) -> ExpectationResult:
    return ExpectationResult("calls", f"{status}_{severity}", severity, status, column="queue",
                             observed=0.1, expected={"min_value": 0.3},
                             exception="boom" if status == "error" else None)  # fmt: skip


def test_blocking_failures_and_errors_are_told_apart():
    now = dt.datetime(2026, 6, 15, tzinfo=dt.UTC)
    statuses = ("passed", "failed", "error", "skipped")
    results = [_result(s, v) for s in statuses for v in ("block", "warn")]
    report = ValidationReport(7, now, now, results)
    assert [r.expectation for r in report.blocking_failures] == ["failed_block", "error_block"]
    assert [r.expectation for r in report.warnings] == ["failed_warn"]
    assert [r.expectation for r in report.errors] == ["error_block", "error_warn"]
    report.on_error = "warn"
    assert [r.expectation for r in report.blocking_failures] == ["failed_block"]
    assert str(results[2]) == (
        'calls.failed_block [block] failed: observed 0.1, expected {"min_value": 0.3}'
    )
    assert str(results[4]) == "calls.error_block [block] could not run: boom"


def test_record_appends_to_the_results_table_without_touching_the_transaction():
    now = dt.datetime(2026, 6, 15, tzinfo=dt.UTC)
    con = duckdb.connect()
    results = [_result("failed", "warn"), _result("error", "block")]
    report = ValidationReport(None, now, now, results)
    con.begin()
    assert report.record(con) == 2
    rows = con.execute(
        'select load_id, suite, expectation, "column", severity, success, observed, expected, '
        "exception, status from meta.expectation_results order by expectation"
    ).fetchall()
    con.rollback()  # record() left the transaction to its caller
    expected = '{"min_value": 0.3}'
    assert rows == [
        (None, "calls", "error_block", "queue", "block", None, "0.1", expected, "boom", "error"),
        (None, "calls", "failed_warn", "queue", "warn", False, "0.1", expected, None, "failed"),
    ]
