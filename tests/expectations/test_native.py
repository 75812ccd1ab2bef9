# ruff: noqa: E501 - the fixture rows read best one call per line
"""The DuckDB engine against Great Expectations on one hand-made load with known failures:
same verdict, unexpected count and observed value, expectation by expectation; and a load with
its gates that never imports GX."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ecoute.etl.schema import create_raw_tables
from ecoute.expectations import validate
from ecoute.expectations.suites import load_suite

AS_OF = dt.datetime(2026, 6, 15, 6, 0, tzinfo=dt.UTC)
KINDS = Path(__file__).with_name("kinds")  # a test-only suite with every kind the engine knows
REPO = Path(__file__).resolve().parents[2]

# Eight calls of load 1 on 2026-06-14 (UTC); customers k1, k2, k3 are known, k9 is not.
# length (ended - started): 300, 120, 60, 600, 600, 3600, 60, 300 s.
CALLS = """
insert into raw.calls (call_id, direction, initiation, customer_id, queue, agent_id, started_at, ended_at, answered_at, disconnect_party, outcome, _load_id) values
 ('c1', 'inbound',  'inbound',  'k1', 'billing', 'a1', '2026-06-14 08:00:00+00', '2026-06-14 08:05:00+00', '2026-06-14 08:01:00+00', 'agent',    'resolved',  1),
 ('c2', 'inbound',  'inbound',  'k2', 'billing', 'a2', '2026-06-14 08:10:00+00', '2026-06-14 08:12:00+00', '2026-06-14 08:11:00+00', 'agent',    'resolved',  1),
 ('c3', 'inbound',  'inbound',  null, null,      'a3', '2026-06-14 08:20:00+00', '2026-06-14 08:21:00+00', null,                   'customer', null,        1),
 ('c4', 'sideways', 'inbound',  'k9', 'test',    'a1', '2026-06-14 08:30:00+00', '2026-06-14 08:40:00+00', '2026-06-14 08:31:00+00', 'agent',    'lost',      1),
 ('c5', 'outbound', 'outbound', 'k1', 'billing', 'a4', '2026-06-14 08:50:00+00', '2026-06-14 09:00:00+00', '2026-06-14 08:51:00+00', 'system',   'resolved',  1),
 ('c6', 'inbound',  'inbound',  null, 'lab',     'a5', '2026-06-14 09:00:00+00', '2026-06-14 10:00:00+00', '2026-06-14 09:01:00+00', 'agent',    'escalated', 1),
 ('x7', 'inbound',  'inbound',  'k3', null,      'a6', '2026-06-14 09:10:00+00', '2026-06-14 09:11:00+00', null,                   null,       null,        1),
 ('c8', 'inbound',  'callback', 'k2', 'billing', 'a7', '2026-06-14 09:20:00+00', '2026-06-14 09:25:00+00', '2026-06-14 09:21:00+00', 'agent',    'resolved',  1)
"""

# What a person computes from the rows above (status, unexpected count or observed value).
BY_HAND = {
    "calls.direction_values": ("failed", 1),  # c4 'sideways'
    "calls.outcome_values": ("failed", 1),  # c4 'lost' (c3, x7 null: not judged)
    "calls.queue_null_rate": ("failed", 2),  # c3, x7: 6/8 = 0.75 < mostly 0.9
    "calls.customer_id_null_rate": ("passed", 2),  # 6/8 ≥ 0.5
    "calls.answered_inbound_share": ("passed", 4 / 6),  # c1 c2 c6 c8 of six inbound
    "calls.handle_time_median": ("passed", 390.0),  # 60 240 240 540 540 3540
    "calls.known_customer_share": ("failed", 5 / 6),  # k9 unknown
    "kinds.agent_unique": ("failed", 2),  # a1 twice: both rows count
    "kinds.queue_not_in": ("failed", 2),  # test, lab
    "kinds.id_regex": ("failed", 1),  # x7 (a search, as GX's pandas engine and Postgres do)
    "kinds.queue_not_regex": ("failed", 1),  # test
    "kinds.outcome_null": ("failed", 6),
    "kinds.length_strict": ("failed", 3),  # 60, 60 (strict min), 3600; 5/8 < 0.8
    "kinds.length_floor_only": ("failed", 2),
    "kinds.length_sum": ("failed", 5640),
    "kinds.median_even": ("failed", 300.0),  # (300 + 300) / 2, strict max 300
    "kinds.rows": ("passed", 8),
    "kinds.mean_of_nothing": ("skipped", None),
    "kinds.long_calls": ("failed", 1),  # c6
}


@pytest.fixture(scope="module")
def load(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("native") / "w.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    create_raw_tables(con)
    con.execute(
        "insert into meta.loads (load_id, started_at, status) values (1, ?, 'running')", [AS_OF]
    )
    con.execute(
        "insert into meta.load_files (load_id, entity, path, status, rows_loaded) values (1, 'calls', 'calls.csv', 'loaded', 8)"
    )
    con.execute(
        "insert into raw.customers (customer_id, _load_id) values ('k1', 0), ('k2', 0), ('k3', 0)"
    )
    con.begin()
    con.execute(CALLS)
    yield con
    con.close()


def _run(con, settings, engine):
    settings = settings.with_overrides(expectations={"engine": engine})
    results = []
    for suites_dir, entity in ((None, "calls"), (KINDS, "kinds")):
        extra = {"suites_dir": suites_dir} if suites_dir else {}
        report = validate(con, settings, load_id=1, entities=[entity], as_of=AS_OF, **extra)
        results += report.results
    return {r.name: r for r in results}


def _measure(r):
    """The number BY_HAND states: an unexpected count, or the observed value."""
    if isinstance(r.observed, dict):
        return r.observed.get("unexpected_count", r.observed.get("unexpected_rows"))
    return r.observed


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, list):
        return sorted(a, key=repr) == sorted(b, key=repr)  # GX lists in scan order, we sort
    return a == b


def test_both_engines_agree_expectation_by_expectation(load, settings):
    ours, gx = _run(load, settings, "duckdb"), _run(load, settings, "gx")
    assert ours.keys() == gx.keys()
    regex = {"kinds.id_regex", "kinds.queue_not_regex"}  # GX 1.24.1 has no regex for DuckDB
    assert all("not supported" in gx[name].exception for name in regex)
    for name in ours.keys() - regex:
        a, b = ours[name], gx[name]
        assert (a.status, a.exception) == (b.status, b.exception), name
        if isinstance(b.observed, dict):
            assert a.observed.keys() == b.observed.keys(), name
            for key in b.observed:
                assert _same(a.observed[key], b.observed[key]), (name, key)
        else:
            assert _same(a.observed, b.observed), name
    for name, (status, value) in BY_HAND.items():
        assert ours[name].status == status, name
        assert value is None or math.isclose(_measure(ours[name]), value), name


def test_a_load_with_its_gates_does_not_import_gx(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "calls.csv").write_text(
        "call_id,direction,started_at,ended_at,answered_at\n"
        "c1,inbound,2026-06-15 09:00,2026-06-15 09:05,2026-06-15 09:01\n"
        "c2,inbound,2026-06-15 10:00,2026-06-15 10:09,2026-06-15 10:02\n"
    )
    code = (
        "import sys\n"
        "from ecoute.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    print('GX' if 'great_expectations' in sys.modules else 'no GX')\n"
    )
    warehouse = tmp_path / "w.duckdb"
    args = ["--warehouse", str(warehouse), "load", str(folder), "--no-build"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ECOUTE__ETL__PII_KEY": "test-key",
        "ECOUTE__ETL__PROGRESS": "never",
    }  # the default engine, no ecoute.toml
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "no GX"
    con = duckdb.connect(str(warehouse), read_only=True)
    checked = con.execute(
        "select suite, count(*) from meta.expectation_results group by all"
    ).fetchall()
    con.close()
    assert checked == [("calls", len(load_suite("calls").expectations))]  # all ran, recorded


def test_a_misspelt_column_is_that_expectation_error_only(load, settings, tmp_path):
    (tmp_path / "typo.yaml").write_text(
        "batch: select * from raw.calls where ${rows}\n"
        "expectations:\n"
        "  - {name: typo, expect: expect_column_values_to_not_be_null, column: queu}\n"
        "  - {name: fine, expect: expect_column_values_to_not_be_null, column: call_id}\n"
    )
    report = validate(
        load, settings, load_id=1, entities=["typo"], as_of=AS_OF, suites_dir=tmp_path
    )
    by_name = {r.expectation: r for r in report.results}
    assert by_name["typo"].status == "error" and "queu" in by_name["typo"].exception
    assert by_name["fine"].status == "passed" and by_name["fine"].observed["element_count"] == 8
    assert load.execute("select count(*) from raw.calls").fetchone() == (8,)  # transaction intact
