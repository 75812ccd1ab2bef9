"""Opening the warehouse waits for a reader in another process to let go of the file."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from ecoute.db import WarehouseMissing, connect


def test_writer_waits_for_a_reader_process(settings):
    duckdb.connect(str(settings.warehouse)).close()
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print(1, flush=True); time.sleep(1.5)"
    reader = subprocess.Popen(
        [sys.executable, "-c", hold, str(settings.warehouse)], stdout=subprocess.PIPE
    )
    reader.stdout.readline()  # the reader holds the file now
    started = time.monotonic()
    con = connect(settings)
    waited = time.monotonic() - started
    con.execute("create table t as select 1")
    con.close()
    reader.wait()
    assert waited > 0.5


def test_gives_up_after_lock_wait(settings):
    duckdb.connect(str(settings.warehouse)).close()
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print(1, flush=True); time.sleep(3)"
    reader = subprocess.Popen(
        [sys.executable, "-c", hold, str(settings.warehouse)], stdout=subprocess.PIPE
    )
    reader.stdout.readline()
    quick = settings.with_overrides(warehouse={"lock_wait_s": 0.3})
    with pytest.raises(duckdb.IOException, match="lock"):
        connect(quick)
    reader.kill()


def test_read_only_on_missing_file_says_what_to_do(settings):
    with pytest.raises(WarehouseMissing, match="ecoute load DIR"):
        connect(settings, read_only=True)
