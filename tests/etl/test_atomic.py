"""A load killed half-way (kill -9) leaves the warehouse as it was; the next load succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ecoute.etl.pipeline import run_load

pytestmark = pytest.mark.slow


def _count(path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        calls = con.execute("select count(*) from raw.calls").fetchone()[0]
        done = con.execute("select count(*) from meta.loads where status = 'completed'").fetchone()[
            0
        ]
        return calls, done
    finally:
        con.close()


def test_kill_9_mid_load_changes_nothing(settings, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    (small / "calls.csv").write_text(
        "call_id,direction,started_at,ended_at\nc1,inbound,2026-06-15 09:00,2026-06-15 09:05\n"
    )
    run_load(settings, small)
    before = _count(settings.warehouse)

    big = tmp_path / "big"
    big.mkdir()
    duckdb.sql(
        "copy (select 'k' || i as call_id, 'inbound' as direction, "
        "timestamp '2026-06-01' + to_seconds(i) as started_at, "
        "timestamp '2026-06-01' + to_seconds(i + 60) as ended_at, "
        "(i % 1000)::varchar as customer_id from range(3000000) t(i)) "
        f"to '{big / 'calls.csv'}' (header)"
    )
    env = {**os.environ, "ECOUTE_WAREHOUSE": str(settings.warehouse)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoute.cli", "load", str(big), "--no-checks", "--no-build"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(2.5)
    assert proc.poll() is None, "the load finished before it could be killed; use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert _count(settings.warehouse) == before
    result = run_load(settings, big)
    assert result.files[0].loaded == 3_000_000
    assert _count(settings.warehouse) == (before[0] + 3_000_000, before[1] + 1)
