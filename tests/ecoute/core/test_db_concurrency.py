"""Readers and a load in separate processes on one real warehouse file (DuckDB: one writing
process or several reading ones). While load B runs, the metrics CLI, the weekly report and the
dashboard keep reading: each read gives exactly the figures before B or after B, never a mix,
and nobody crashes. A reader holding the file makes the load wait, not fail; one that never lets
go makes it fail in one line, leaving the warehouse unchanged.

Load A is a small demo operator without its last week of calls (2026-W27); load B is that week's
calls file alone. The before and after figures come from separate warehouses, loaded with A
only and with A then B, read by the same reader code; the after figures are hand-checked
against the rows of B's file. No timings: barriers are files and lines the processes write.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
MAPPING = REPO / "etl" / "mappings" / "demo_fr_excel.yaml"
READER = Path(__file__).with_name("_concurrent_reader.py")
KINDS = ("cli", "report", "dashboard")
B_FILE = "calls/2026-W27.csv.gz"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOUTE")}
    env |= {
        "ECOUTE__ETL__PII_KEY": "test-key",
        "ECOUTE__ETL__PROGRESS": "never",
        # generous, so a slow machine never turns the wait into a failure; a hung test still ends
        "ECOUTE__WAREHOUSE__READ_WAIT_S": "300",
        "ECOUTE__WAREHOUSE__WRITE_WAIT_S": "300",
    }
    return env | extra


def _load(warehouse: Path, folder: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ecoute.cli", "--warehouse", str(warehouse), "load", str(folder),
         "--mapping", str(MAPPING), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(**env),
        cwd=warehouse.parent,
    )  # fmt: skip


def _loaded(warehouse: Path, folder: Path, *args: str) -> None:
    proc = _load(warehouse, folder, *args)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err + out


def _reader(kind: str, warehouse: Path, out: Path, stop: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(READER), kind, str(warehouse), str(out), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        cwd=warehouse.parent,
    )  # fmt: skip


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _read_once(kind: str, warehouse: Path) -> object:
    """The figures `kind` reads from a warehouse nobody is writing to (same code, in process)."""
    spec = importlib.util.spec_from_file_location("_concurrent_reader", READER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    line = json.loads(json.dumps(module.READERS[kind](warehouse)(), default=str, sort_keys=True))
    assert not line.get("busy") and "error" not in line, line
    return line["figures"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Folders A and B, warehouse A (A loaded) and warehouse AB (A, then B), and both figures."""
    from ecoute.demo import generate

    root = tmp_path_factory.mktemp("concurrency")
    generate(root / "demo", customers=8000, weeks=4, seed=7, end_week="2026-W27")
    a, b = root / "A", root / "B"
    shutil.copytree(root / "demo", a)
    (b / "calls").mkdir(parents=True)
    shutil.move(a / B_FILE, b / B_FILE)
    _loaded(root / "A.duckdb", a, "--no-checks")
    shutil.copy(root / "A.duckdb", root / "AB.duckdb")
    _loaded(root / "AB.duckdb", b, "--no-checks")
    before = {k: _read_once(k, root / "A.duckdb") for k in KINDS}
    after = {k: _read_once(k, root / "AB.duckdb") for k in KINDS}
    return {"root": root, "A": a, "B": b, "before": before, "after": after}


def _inbound_rows(path: Path) -> int:
    """Inbound calls as docs/metrics.md counts them: a transferred leg is not a new call."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return sum(
            row["direction"] == "inbound" and row["initiation"] != "transfer"
            for row in csv.DictReader(f)
        )


def test_load_b_changes_known_figures(world) -> None:
    """The two sides differ where a person expects: W27's inbound calls are B's inbound rows."""
    before, after = world["before"], world["after"]
    inbound = _inbound_rows(world["B"] / B_FILE)
    assert inbound > 100
    assert before["cli"]["metrics"]["inbound_calls"]["value"] in (0, None)
    assert after["cli"]["metrics"]["inbound_calls"]["value"] == inbound
    # last week's figures are the same on both sides: B only carries W27
    assert (before["cli"]["metrics"]["inbound_calls"]["previous"]
            == after["cli"]["metrics"]["inbound_calls"]["previous"])  # fmt: skip
    landing = after["dashboard"]["landing"]["kpis"]["metrics"]["inbound_calls"]
    assert landing["value"] == inbound
    assert before["dashboard"]["landing"]["kpis"]["metrics"]["inbound_calls"]["value"] in (0, None)
    # W27 is the data's last week and its data reach Sunday: counts are final and shown
    tiles = json.dumps(after["dashboard"]["tiles"], ensure_ascii=False)
    assert f"{inbound:,}" in tiles
    assert before["dashboard"]["tiles"] != after["dashboard"]["tiles"]
    assert before["report"] != after["report"]


def test_readers_see_before_or_after_never_half_and_never_crash(world, tmp_path) -> None:
    warehouse, stop = tmp_path / "live.duckdb", tmp_path / "stop"
    shutil.copy(world["root"] / "A.duckdb", warehouse)
    outs = {k: tmp_path / f"{k}.jsonl" for k in KINDS}
    readers = {k: _reader(k, warehouse, outs[k], stop) for k in KINDS}
    try:
        _wait_for(lambda: all(_lines(outs[k]) for k in KINDS), readers)  # all reading: barrier
        load = _load(warehouse, world["B"], "--no-checks")
        load_out, load_err = load.communicate(timeout=300)
    finally:
        stop.touch()
        results = {k: p.communicate(timeout=300) for k, p in readers.items()}
    assert load.returncode == 0, load_err + load_out
    assert "Traceback" not in load_err
    for kind, proc in readers.items():
        assert proc.returncode == 0, f"{kind} crashed:\n{results[kind][1]}"
        assert "Traceback" not in results[kind][1]
    reads = {k: _lines(outs[k]) for k in KINDS}
    both = {k: (world["before"][k], world["after"][k]) for k in KINDS}
    for kind, lines in reads.items():
        for i, line in enumerate(lines):
            assert "error" not in line, f"{kind} read {i}: {line['error']}"
            if "refused" in line:  # the dashboard had no earlier figures: it said so
                assert "A load is writing to the warehouse" in line["refused"]
                continue
            assert line["figures"] in both[kind], f"{kind} read {i} is neither before nor after"
        assert lines[-1]["figures"] == world["after"][kind], f"{kind} did not end on 'after'"
    # the reads overlapped the load: some reader found the warehouse held by it
    assert any(line.get("busy") for lines in reads.values() for line in lines)


def _wait_for(condition, readers: dict) -> None:  # noqa: ANN001
    """Until `condition()` holds; a reader that died meanwhile fails the test at once."""
    event = threading.Event()
    while not condition():
        for kind, proc in readers.items():
            if proc.poll() is not None:
                pytest.fail(f"{kind} reader exited early:\n{proc.stderr.read()}")
        event.wait(0.05)


def test_a_reader_holding_the_file_makes_the_load_wait_not_fail(world, tmp_path) -> None:
    """The dashboard mid-refresh holds a read-only connection when a load starts: the load
    says it waits, and goes on as soon as the refresh lets go."""
    from ecoute.core.settings import load_settings
    from ecoute.reports.dashboard import data as D

    warehouse = tmp_path / "held.duckdb"
    shutil.copy(world["root"] / "A.duckdb", warehouse)
    settings = load_settings(config=None, warehouse=warehouse, environ={})
    reader = D.Reader(settings)
    holding, release = threading.Event(), threading.Event()

    def slow_refresh(con):  # noqa: ANN001, ANN202
        periods = D.periods(con)
        holding.set()
        release.wait(120)
        return periods

    refresh = threading.Thread(target=reader.fetch, args=(("periods",), slow_refresh))
    refresh.start()
    holding.wait(60)
    load = _load(warehouse, world["B"], "--no-checks", "--no-build")  # any load will do
    said = ""
    while not said.startswith("warehouse busy") and load.poll() is None:
        said = load.stderr.readline()  # the barrier: the load tells it waits for the reader
    release.set()
    refresh.join(60)
    out, err = load.communicate(timeout=300)
    assert said.startswith("warehouse busy: another process has it open"), said + err
    assert load.returncode == 0, said + err + out
    loads = reader.fetch(("loads",), lambda con: con.execute(
        "select count(*) from meta.loads where status = 'completed'").fetchone()[0])  # fmt: skip
    assert not loads.stale and loads.value == 2


def test_a_reader_that_never_lets_go_fails_the_load_in_one_line(world, tmp_path) -> None:
    import duckdb

    warehouse = tmp_path / "stuck.duckdb"
    shutil.copy(world["root"] / "A.duckdb", warehouse)
    notebook = duckdb.connect(str(warehouse), read_only=True)  # an analyst's open notebook
    try:
        load = _load(warehouse, world["B"], "--no-checks",
                     ECOUTE__WAREHOUSE__WRITE_WAIT_S="0.5")  # fmt: skip
        out, err = load.communicate(timeout=300)
        loads = notebook.execute("select count(*) from meta.loads").fetchone()[0]
    finally:
        notebook.close()
    assert load.returncode == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("warehouse busy: another process")
    assert lines[1].startswith("error: warehouse busy:") and "nothing was changed" in lines[1]
    assert len(lines) == 2 and "Traceback" not in err
    assert loads == 1  # only load A
