"""Opening the warehouse to read it: the DuckDB file, or, when the models run on Spark
(``[engine] name = "spark"``), a view of it in which the models Spark wrote to the lake replace
the file's own. Readers (reports, dashboard, notebooks, CLI) open it here; the loader opens the
file through ecoute.core.db, which knows nothing of Spark."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from ecoute.core.db import (  # noqa: F401 - what readers need from the opening, in one import
    WarehouseBusy,
    WarehouseMissing,
    configure,
    wait_limit_s,
)
from ecoute.core.db import connect as open_file
from ecoute.core.settings import Settings

_STDERR = object()


def connect(
    settings: Settings,
    read_only: bool = False,
    *,
    wait_s: float | None = None,
    notify: Callable[[str], None] | None | object = _STDERR,
    engine: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """The warehouse as :func:`ecoute.core.db.connect` opens it (waiting, visibly, for a load);
    read-only with ``[engine] name = "spark"`` (or ``engine="spark"``), the lake reader
    (:func:`_lake_reader`); ``engine="duckdb"`` always reads the file."""
    kwargs = {} if notify is _STDERR else {"notify": notify}
    con = open_file(settings, read_only, wait_s=wait_s, **kwargs)
    engine = engine or settings.section("engine").get("name", "duckdb")
    if read_only and engine == "spark":
        con.close()  # it waited, visibly, for any load to finish; the lake reader attaches
        return _lake_reader(Path(settings.warehouse), settings)
    return con


def _lake_reader(path: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    """For readers when the models run on Spark: an in-memory DuckDB that attaches the
    warehouse read-only, in which every warehouse table is a view (loads, quarantine, churn
    scores...) and the models Spark wrote to the lake replace theirs. Readers query
    ``marts.rpt_metrics__weekly`` exactly as before: no second implementation."""
    from ecoute.warehouse import lake
    from ecoute.warehouse.spark import lake_of

    con = duckdb.connect()
    configure(con, settings)
    con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as wh (read_only)")
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
