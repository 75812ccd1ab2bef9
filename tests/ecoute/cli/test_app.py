"""The command line while a load holds the warehouse: every reader says it waits, then gives up
with one line and exit status 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from ecoute.cli import app

_LOAD = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print(1, flush=True); sys.stdin.readline()"
)


@pytest.fixture
def held(settings):
    """A process holding the warehouse for writing, as `ecoute load` does."""
    duckdb.connect(str(settings.warehouse)).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", _LOAD, str(settings.warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    proc.stdout.readline()
    yield proc
    proc.communicate("\n", timeout=30)


@pytest.mark.parametrize(
    "command",
    [
        ["metrics", "--week", "2026-W27"],
        ["report", "weekly", "--week", "2026-W27"],
        ["worst", "--week", "2026-W27"],
        ["loads"],
    ],
)
def test_a_reader_gives_up_in_one_line(settings, held, tmp_path, command) -> None:
    env = {"ECOUTE__WAREHOUSE__READ_WAIT_S": "0.3", "ECOUTE__REPORT__OUT": str(tmp_path)}
    result = CliRunner().invoke(
        app, ["--warehouse", str(settings.warehouse), *command], env=env
    )
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert lines == [
        f"warehouse busy: a load is running (process {held.pid}), waiting up to 0.3 s "
        f"([warehouse] read_wait_s) for {settings.warehouse}",
        f"error: warehouse busy: a load (process {held.pid}) still held {settings.warehouse} "
        "after 0.3 s; try again when it has finished, or raise [warehouse] read_wait_s",
    ]
    assert result.exception is None or isinstance(result.exception, SystemExit)
