"""The lake: warehouse tables as Hive-partitioned Parquet that Spark, Trino and DuckDB all read.

Layout: ``<lake>/<schema>/<table>/month=YYYY-MM/*.parquet``, partitioned by the month (UTC) of
the table's first date or timestamp column; a table without one (``dim_customers``) is one
unpartitioned folder. Rows whose partition column is null go to ``month=none``. The ``month``
column is storage only: readers drop it (``select * exclude (month)``), so a table read back
has exactly the columns it was written with.

Types are the portable subset: DuckDB's ``json`` travels as text and ``ubigint`` (the row
hash) as ``decimal(20,0)``, which every engine reads; instants stay UTC timestamps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

PARTITION = "month"
NO_MONTH = "none"

# What Spark needs to build the SQL models: the raw entities, and the outputs of the build's
# Python steps that SQL models read (working-day calendar, message intents). Those steps run
# on DuckDB (holiday rules and language lexicons are Python); their results travel as input.
RAW_TABLES = ("appointments", "calls", "customers", "messages", "notifications", "outages",
              "tickets")  # fmt: skip
UNPARTITIONED = {"customers", "dim_customers"}
PYTHON_OUTPUTS = (
    ("intermediate", "int_calendar__working_days"),
    ("intermediate", "int_messages__classified"),
    ("intermediate", "int_messages__intents"),
)


def input_tables() -> list[tuple[str, str]]:
    """The (schema, table) pairs a Spark build reads from the lake."""
    return [("raw", t) for t in RAW_TABLES] + list(PYTHON_OUTPUTS)


def table_dir(lake: Path, schema: str, table: str) -> Path:
    return Path(lake) / schema / table


def tables_of(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def month_column(table: str, columns: list[tuple[str, str]]) -> str | None:
    """The column a table is partitioned by: its first date or timestamp column, except for
    customers (a dimension: months of ``customer_since`` would only scatter it in small files)."""
    if table in UNPARTITIONED:
        return None
    for name, kind in columns:
        if kind == "DATE" or kind.startswith("TIMESTAMP"):
            return name
    return None


def export_table(con: duckdb.DuckDBPyConnection, lake: Path, schema: str, table: str) -> int:
    """Write one warehouse table to the lake (replacing what was there); returns its rows."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    select = ", ".join(_portable(name, kind) for name, kind in columns)
    target = table_dir(lake, schema, table)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    month = month_column(table, columns)
    rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
    if month is None or rows == 0:  # an empty table is one empty file, so its schema travels
        con.execute(
            f"copy (select {select} from {schema}.{table}) "
            f"to '{_sql_path(target / 'part-0.parquet')}' (format parquet)"
        )
    else:
        con.execute(
            f"copy (select {select}, coalesce(strftime(\"{month}\", '%Y-%m'), '{NO_MONTH}') "
            f"as {PARTITION} from {schema}.{table}) to '{_sql_path(target)}' "
            f"(format parquet, partition_by ({PARTITION}), overwrite_or_ignore)"
        )
    return rows


def _portable(name: str, kind: str) -> str:
    if kind == "JSON":
        return f'"{name}"::varchar as "{name}"'
    if kind == "UBIGINT":
        return f'"{name}"::decimal(20,0) as "{name}"'
    return f'"{name}"'


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def export(
    con: duckdb.DuckDBPyConnection, lake: Path, schemas: tuple[str, ...] = ("core",)
) -> dict[str, int]:
    """The Spark build's inputs and every table of ``schemas``; returns rows per table."""
    done: dict[str, int] = {}
    wanted = [(s, t) for s, t in input_tables() if t in tables_of(con, s)]
    wanted += [(s, t) for s in schemas for t in tables_of(con, s) if (s, t) not in wanted]
    for schema, table in wanted:
        done[f"{schema}.{table}"] = export_table(con, lake, schema, table)
    return done


def parquet_glob(lake: Path, schema: str, table: str) -> str:
    """The files of one lake table, for DuckDB's read_parquet."""
    return _sql_path(table_dir(lake, schema, table) / "**" / "*.parquet")


def attach_views(con: duckdb.DuckDBPyConnection, lake: Path, schemas: tuple[str, ...]) -> list[str]:
    """Views ``<schema>.<table>`` over every lake table of ``schemas`` (replacing same-named
    tables' places in this connection's catalog); returns the names made."""
    made = []
    for schema in schemas:
        root = Path(lake) / schema
        if not root.is_dir():
            continue
        con.execute(f"create schema if not exists {schema}")
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if not any(folder.rglob("*.parquet")):
                continue
            glob = parquet_glob(lake, schema, folder.name)
            partitioned = any(c.name.startswith(f"{PARTITION}=") for c in folder.iterdir())
            exclude = f" exclude ({PARTITION})" if partitioned else ""
            con.execute(
                f"create or replace view {schema}.{folder.name} as select *{exclude} "
                f"from read_parquet('{glob}', hive_partitioning = {str(partitioned).lower()})"
            )
            made.append(f"{schema}.{folder.name}")
    return made
