"""Opening the warehouse: one place that applies the settings every connection needs."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.settings import Settings


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet (nothing was loaded)."""


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file, in UTC, with the configured memory and threads."""
    path = Path(settings.warehouse)
    if read_only and not path.exists():
        raise WarehouseMissing(
            f"no warehouse at {path}: run `ecoute load DIR` or `ecoute demo` first"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    configure(con, settings)
    return con


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
