"""The ``raw`` and ``meta`` schemas: created once, before the first load.

``raw.<entity>`` holds the current version of every row, typed to the contract (instants in
UTC), with lineage: the load, file and line it came from, and a hash of its content.
``raw.<entity>__history`` keeps every version a later load replaced, so nothing is lost.
"""

from __future__ import annotations

import duckdb

from ecoute.etl import SOURCES
from ecoute.etl.contract import Entity

SQL_TYPES = {
    "id": "varchar",
    "text": "varchar",
    "enum": "varchar",
    "ts": "timestamptz",
    "date": "date",
    "decimal": "decimal(18,2)",
    "int": "bigint",
    "bool": "boolean",
}
LINEAGE = {
    "_load_id": "bigint",
    "_source_file": "varchar",
    "_line": "bigint",
    "_row_hash": "ubigint",
}

META_TABLES = {
    "loads": """
        load_id bigint primary key, started_at timestamptz, finished_at timestamptz,
        status varchar, source varchar, mapping varchar, message varchar,
        rows_read bigint, rows_loaded bigint, rows_updated bigint,
        rows_quarantined bigint, rows_duplicate bigint, rows_superseded bigint default 0""",
    "load_files": """
        load_id bigint, entity varchar, path varchar, sha256 varchar, bytes bigint,
        status varchar, rows_read bigint, rows_loaded bigint, rows_updated bigint,
        rows_quarantined bigint, rows_duplicate bigint, seconds double,
        rows_superseded bigint default 0""",
    "quarantine": """
        load_id bigint, entity varchar, source_file varchar, line bigint,
        field varchar, reason varchar, record varchar""",
    # Older versions of a record a newer one replaced in the same delivery (etl/shape.py).
    "superseded": """
        load_id bigint, entity varchar, source_file varchar, line bigint,
        location varchar, record varchar""",
}


def column_defs(entity: Entity) -> str:
    cols = [f"{f.name} {SQL_TYPES[f.type]}" for f in entity.fields]
    cols.append("extra json")
    cols += [f"{k} {v}" for k, v in LINEAGE.items()]
    return ", ".join(cols)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``raw`` and ``meta`` tables that do not exist yet (idempotent)."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists meta")
    for name, entity in SOURCES.items():
        cols = column_defs(entity)
        con.execute(f"create table if not exists raw.{name} ({cols})")
        con.execute(f"create table if not exists raw.{name}__history ({cols}, _replaced_by bigint)")
    for name, cols in META_TABLES.items():
        con.execute(f"create table if not exists meta.{name} ({cols})")
    _add_missing_columns(con)


# Columns added to meta tables after warehouses already existed: (table, column, definition).
# A warehouse built before them gets the column on its next load; its past rows read 0, which
# is true (no pack with record versions existed before the column).
LATER_COLUMNS = (
    ("loads", "rows_superseded", "bigint default 0"),
    ("load_files", "rows_superseded", "bigint default 0"),
)


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    for table, column, definition in LATER_COLUMNS:
        con.execute(f"alter table meta.{table} add column if not exists {column} {definition}")
