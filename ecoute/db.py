"""Opening the warehouse: one place that applies the settings every connection needs."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from ecoute.settings import Settings


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet (nothing was loaded)."""


def connect(
    settings: Settings, read_only: bool = False, engine: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file, in UTC, with the configured memory and threads.

    Read-only with ``[engine] name = "spark"`` (or ``engine="spark"``), the models are read
    from the lake Spark wrote (:func:`connect_lake`); ``engine="duckdb"`` always opens the file."""
    path = Path(settings.warehouse)
    if read_only and not path.exists():
        raise WarehouseMissing(
            f"no warehouse at {path}: run `ecoute load DIR` or `ecoute demo` first"
        )
    engine = engine or settings.section("engine").get("name", "duckdb")
    if read_only and engine == "spark":
        return connect_lake(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_waiting(
        path, read_only, float(settings.section("warehouse").get("lock_wait_s", 10))
    )
    configure(con, settings)
    return con


def _connect_waiting(path: Path, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting while another process holds its lock (a dashboard refresh, a
    report): DuckDB allows one writing process or several readers, and those hold it briefly."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


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


def connect_lake(settings: Settings) -> duckdb.DuckDBPyConnection:
    """For readers when the models run on Spark: an in-memory DuckDB in which every warehouse
    table is a view (loads, quarantine, churn scores...) and the models Spark wrote to the lake
    replace theirs. Readers query ``marts.rpt_metrics__weekly`` exactly as before: no second
    implementation of any metric."""
    from warehouse import lake
    from warehouse.spark import lake_of

    con = duckdb.connect()
    configure(con, settings)
    path = str(Path(settings.warehouse)).replace("'", "''")
    con.execute(f"attach '{path}' as wh (read_only)")
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'wh' "
        "union all select schema_name, view_name from duckdb_views() "
        "where database_name = 'wh' and not internal"
    ).fetchall()
    for schema, table in rows:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace view {schema}.{table} as select * from wh.{schema}.{table}")
    lake.attach_views(con, lake_of(settings), ("intermediate", "core", "marts"))
    return con
