"""ecoute.jobs: the load wired to the quality gate and the build; a gate that cannot run refuses
the load instead of letting it through unchecked."""

from __future__ import annotations

import sys

import duckdb
import pytest

from ecoute import jobs
from ecoute.etl.pipeline import LoadError

HEADER = "call_id,direction,started_at,ended_at,customer_id,answered_at,disconnect_party\n"
# Inbound calls nobody answered: the calls suite's answered_inbound_share (block) fails.
UNANSWERED = HEADER + "".join(
    f"u{i},inbound,2026-06-15 09:0{i}:00,2026-06-15 09:0{i}:30,0042,,customer\n" for i in range(4)
)
FIRST = HEADER + "c1,inbound,2026-06-14 09:00:00,2026-06-14 09:05:00,0042,,customer\n"


def _folder(tmp_path, name: str, text: str):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "calls.csv").write_text(text)
    return folder


def _state(settings) -> tuple:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return (
            con.execute("select count(*) from raw.calls").fetchone()[0],
            con.execute("select list(status order by load_id) from meta.loads").fetchone()[0],
        )
    finally:
        con.close()


def test_a_missing_quality_gate_package_fails_the_load_loudly(settings, tmp_path, monkeypatch):
    jobs.load(settings, _folder(tmp_path, "first", FIRST), checks=False, build=False)
    before = _state(settings)
    monkeypatch.setitem(sys.modules, "ecoute.expectations", None)  # as if not installed
    with pytest.raises(LoadError) as err:
        jobs.load(settings, _folder(tmp_path, "next", UNANSWERED), build=False)
    message = str(err.value)
    assert "\n" not in message and message.startswith("the data-quality checks cannot run")
    assert "--no-checks" in message and "[expectations] enabled = false" in message
    assert _state(settings) == before == (1, ["completed"])


def test_checks_left_out_explicitly_need_no_quality_gate(settings, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ecoute.expectations", None)
    off = settings.with_overrides(expectations={"enabled": False})
    assert jobs.load(off, _folder(tmp_path, "a", FIRST), build=False).checks is None
    assert jobs.load(settings, _folder(tmp_path, "b", UNANSWERED), checks=False, build=False)
    assert _state(settings) == (5, ["completed", "completed"])


def test_a_blocking_check_rolls_the_load_back_and_keeps_its_results(settings, tmp_path):
    with pytest.raises(LoadError, match="blocking data-quality check failed: .*answered_inbound"):
        jobs.load(settings, _folder(tmp_path, "in", UNANSWERED))
    assert _state(settings) == (0, ["failed"])
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    failed = con.execute(
        "select distinct load_id from meta.expectation_results where expectation = "
        "'answered_inbound_share' and status = 'failed'"
    ).fetchall()
    models = con.execute(
        "select count(*) from information_schema.tables where table_schema in ('core', 'marts')"
    ).fetchone()[0]
    con.close()
    assert failed == [(1,)] and models == 0  # recorded after the rollback; nothing built
