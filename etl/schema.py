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
        rows_quarantined bigint, rows_duplicate bigint""",
    "load_files": """
        load_id bigint, entity varchar, path varchar, sha256 varchar, bytes bigint,
        status varchar, rows_read bigint, rows_loaded bigint, rows_updated bigint,
        rows_quarantined bigint, rows_duplicate bigint, seconds double""",
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
