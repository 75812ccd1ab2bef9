"""Opening the warehouse waits for another process to let go of the file, says so, and gives up
with a one-line reason after the configured wait."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from ecoute.core.db import WarehouseBusy, WarehouseMissing, connect, wait_limit_s

_HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'r');"
    " print(1, flush=True); time.sleep(float(sys.argv[3]))"
)


def _hold(path, mode: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), mode, str(seconds)], stdout=subprocess.PIPE
    )
    proc.stdout.readline()  # the other process holds the file now
    return proc


def test_writer_waits_for_a_reader_process_and_says_so(settings):
    duckdb.connect(str(settings.warehouse)).close()
    reader = _hold(settings.warehouse, "r", 1.5)
    said: list[str] = []
    started = time.monotonic()
    con = connect(settings, notify=said.append)
    waited = time.monotonic() - started
    con.execute("create table t as select 1")
    con.close()
    reader.wait()
    assert waited > 0.5
    assert len(said) == 1 and said[0].startswith("warehouse busy: another process has it open")
    assert f"(process {reader.pid})" in said[0] and "waiting up to 300 s" in said[0]


def test_reader_waits_for_a_writer_and_gives_up_in_one_line(settings):
    duckdb.connect(str(settings.warehouse)).close()
    writer = _hold(settings.warehouse, "w", 30)
    said: list[str] = []
    quick = settings.with_overrides(warehouse={"read_wait_s": 0.3})
    try:
        with pytest.raises(WarehouseBusy) as caught:
            connect(quick, read_only=True, notify=said.append)
    finally:
        writer.kill()
        writer.wait()
    assert said == [
        f"warehouse busy: a load is running (process {writer.pid}), waiting up to 0.3 s "
        f"([warehouse] read_wait_s) for {settings.warehouse}"
    ]
    assert "\n" not in str(caught.value) and "after 0.3 s" in str(caught.value)


def test_waits_per_side_and_the_older_single_key(settings):
    assert wait_limit_s(settings, read_only=True) == 900
    assert wait_limit_s(settings, read_only=False) == 300
    older = settings.with_overrides(warehouse={"lock_wait_s": 10})
    assert wait_limit_s(older, True) == wait_limit_s(older, False) == 10


def test_gives_up_after_the_wait(settings):
    duckdb.connect(str(settings.warehouse)).close()
    reader = _hold(settings.warehouse, "r", 30)
    quick = settings.with_overrides(warehouse={"write_wait_s": 0.3})
    try:
        with pytest.raises(WarehouseBusy, match="nothing was changed"):
            connect(quick, notify=None)
    finally:
        reader.kill()
        reader.wait()


def test_a_waiting_writer_goes_before_new_readers(settings):
    """DuckDB's lock keeps no queue: readers opening back to back could starve a load. A
    waiting writer's marker makes new readers stand back until the writer got in."""
    duckdb.connect(str(settings.warehouse)).close()
    marker = settings.warehouse.with_name(settings.warehouse.name + ".writer-waiting")
    reader = subprocess.Popen(
        [sys.executable, "-c", _HOLD.replace("time.sleep(float(sys.argv[3]))", "input()"),
         str(settings.warehouse), "r", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    reader.stdout.readline()
    got: list = []
    writer = threading.Thread(target=lambda: got.append(connect(settings, notify=None)))
    writer.start()
    while not marker.exists():  # the barrier: the writer is waiting
        time.sleep(0.01)
    with pytest.raises(WarehouseBusy, match="a load still held"):
        connect(settings, read_only=True, wait_s=0, notify=None)  # a new reader stands back
    reader.communicate("\n")  # the old reader lets go
    writer.join(30)
    assert got and not marker.exists()
    got[0].close()
    connect(settings, read_only=True, wait_s=0).close()  # and readers come back after it


def test_read_only_on_missing_file_says_what_to_do(settings):
    with pytest.raises(WarehouseMissing, match="ecoute load DIR"):
        connect(settings, read_only=True)
