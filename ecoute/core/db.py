"""Opening the warehouse: one place that applies the settings every connection needs, and that
waits, visibly, while another process holds the file.

DuckDB lets ONE process write a file, or SEVERAL processes read it, never both: while
``ecoute load`` (one transaction from its first file to its rebuilt marts) has the file open, no
other process can open it, not even read-only; while a reader has it open, a load cannot start.
So every opening here retries until the other process lets go, up to a configured wait:
readers wait for a load (``[warehouse] read_wait_s``, long: a nightly load and its rebuild can
take minutes), writers wait for readers (``write_wait_s``). Whoever waits is told why on
stderr, and whoever gives up gets :class:`WarehouseBusy` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from ecoute.core.settings import Settings

# What each side waits by default when the settings say nothing (see ecoute/core/defaults.toml).
READ_WAIT_S = 900.0
WRITE_WAIT_S = 300.0
_POLL_S = 0.1
_PID = re.compile(r"\(PID (\d+)\)")


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet (nothing was loaded)."""


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse for longer than this one was willing to wait."""


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def connect(
    settings: Settings,
    read_only: bool = False,
    *,
    wait_s: float | None = None,
    notify: Callable[[str], None] | None = _to_stderr,
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file, in UTC, with the configured memory and threads.

    While another process holds the file, waits up to `wait_s` (default: the settings' wait for
    this side, see :func:`wait_limit_s`), saying so once through `notify` (stderr by default;
    None stays silent), then raises :class:`WarehouseBusy`.

    This opens the file itself; readers go through ``ecoute.warehouse.connection.connect``,
    which reads the marts from Spark's lake when ``[engine] name = "spark"``."""
    path = Path(settings.warehouse)
    if read_only and not path.exists():
        raise WarehouseMissing(
            f"no warehouse at {path}: run `ecoute load DIR` or `ecoute demo` first"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = wait_limit_s(settings, read_only) if wait_s is None else float(wait_s)
    con = _connect_waiting(path, read_only, wait, notify)
    configure(con, settings)
    return con


def wait_limit_s(settings: Settings, read_only: bool) -> float:
    """How long one side waits for the other: ``read_wait_s`` for readers, ``write_wait_s``
    for writers. An operator's ``lock_wait_s`` (the single key of earlier versions), when set,
    still applies to both."""
    wh = settings.section("warehouse")
    key, default = ("read_wait_s", READ_WAIT_S) if read_only else ("write_wait_s", WRITE_WAIT_S)
    value = wh.get("lock_wait_s")
    if value is None or value == "":
        value = wh.get(key, default)
    return max(float(value), 0.0)


def _connect_waiting(
    path: Path, read_only: bool, wait_s: float, notify: Callable[[str], None] | None
) -> duckdb.DuckDBPyConnection:
    """Open the file, polling while another process holds its lock.

    A waiting writer leaves a marker beside the file and new readers stand back while it is
    fresh: DuckDB's lock keeps no queue, so readers that open and close back to back (a report
    loop, many dashboard users after a load) could otherwise starve a load for ever."""
    deadline = time.monotonic() + wait_s
    told = False
    marker = _writer_marker(path)
    try:
        while True:
            try:
                if read_only and _writer_waiting(marker):
                    raise duckdb.IOException(f'Could not set lock on file "{path}": {_WAITING}')
                return duckdb.connect(str(path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if not read_only:
                    _touch(marker)
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(_gave_up(path, read_only, wait_s, exc)) from exc
                if not told and notify is not None:
                    notify(_waiting(path, read_only, wait_s, exc))
                    told = True
                time.sleep(min(_POLL_S, max(deadline - time.monotonic(), 0.0)))
    finally:
        if not read_only:
            _untouch(marker)


_WAITING = "a writer is waiting for the file"
_MARKER_FRESH_S = 2.0  # a writer re-touches its marker every poll; older means it went away


def _writer_marker(path: Path) -> Path:
    return path.with_name(path.name + ".writer-waiting")


def _writer_waiting(marker: Path) -> bool:
    try:
        return time.time() - marker.stat().st_mtime < _MARKER_FRESH_S
    except FileNotFoundError:
        return False


def _touch(marker: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only folder: no priority, still correct
        marker.write_text(str(os.getpid()), encoding="ascii")


def _untouch(marker: Path) -> None:
    with contextlib.suppress(OSError):
        if marker.read_text(encoding="ascii") == str(os.getpid()):
            marker.unlink()


def _holder(exc: Exception) -> str:
    m = _PID.search(str(exc))
    return f" (process {m.group(1)})" if m else ""


def _waiting(path: Path, read_only: bool, wait_s: float, exc: Exception) -> str:
    who = "a load is running" if read_only else "another process has it open"
    key = "read_wait_s" if read_only else "write_wait_s"
    return (
        f"warehouse busy: {who}{_holder(exc)}, waiting up to {wait_s:g} s "
        f"([warehouse] {key}) for {path}"
    )


def _gave_up(path: Path, read_only: bool, wait_s: float, exc: Exception) -> str:
    if read_only:
        return (
            f"warehouse busy: a load{_holder(exc)} still held {path} after {wait_s:g} s; "
            "try again when it has finished, or raise [warehouse] read_wait_s"
        )
    return (
        f"warehouse busy: another process{_holder(exc)} still held {path} after {wait_s:g} s "
        "(a load, or a reader such as a notebook keeping it open); nothing was changed"
    )


def configure(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Session settings: instants print in UTC; memory and temp space as configured."""
    wh = settings.section("warehouse")
    con.execute("set TimeZone = 'UTC'")
    if wh.get("memory_limit"):
        con.execute(f"set memory_limit = '{wh['memory_limit']}'")
    if wh.get("threads"):
        con.execute(f"set threads = {int(wh['threads'])}")
    if wh.get("temp_directory"):
        con.execute(f"set temp_directory = '{wh['temp_directory']}'")
