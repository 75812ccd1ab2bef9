"""meta tables of a warehouse built before a column existed: readers cope, the next load migrates."""

from __future__ import annotations

import json

import duckdb
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.etl.schema import create_raw_tables

# meta.loads and meta.load_files as warehouses wrote them before rows_superseded.
OLD = {
    "loads": "load_id bigint primary key, started_at timestamptz, finished_at timestamptz, "
    "status varchar, source varchar, mapping varchar, message varchar, rows_read bigint, "
    "rows_loaded bigint, rows_updated bigint, rows_quarantined bigint, rows_duplicate bigint",
    "load_files": "load_id bigint, entity varchar, path varchar, sha256 varchar, bytes bigint, "
    "status varchar, rows_read bigint, rows_loaded bigint, rows_updated bigint, "
    "rows_quarantined bigint, rows_duplicate bigint, seconds double",
}


def _old_warehouse(path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema meta")
    for name, cols in OLD.items():
        con.execute(f"create table meta.{name} ({cols})")
    # One load of 10 rows: 7 loaded, 2 quarantined, 1 duplicate.
    con.execute("insert into meta.loads values (1, now(), now(), 'completed', 'in', 'm', '', "
                "10, 7, 0, 2, 1)")  # fmt: skip
    con.execute("insert into meta.load_files values (1, 'calls', 'in/calls.csv', 'abc', 99, "
                "'loaded', 10, 7, 0, 2, 1, 0.1)")  # fmt: skip
    con.close()


def _loads(path, *extra: str) -> dict:
    out = CliRunner().invoke(app, ["--warehouse", str(path), "loads", "--format", "json", *extra])
    assert out.exit_code == 0, out.output
    (row,) = json.loads(out.output)
    return row


def test_readers_show_zero_superseded_before_the_migration(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_warehouse(path)
    for extra in ([], ["--files"]):
        row = _loads(path, *extra)
        assert (row["rows_read"], row["rows_superseded"]) == (10, 0)


def test_create_raw_tables_adds_the_column_and_keeps_past_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_warehouse(path)
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    create_raw_tables(con)  # idempotent
    for table in ("loads", "load_files"):
        got = con.execute(f"select rows_read, rows_superseded from meta.{table}").fetchall()
        assert got == [(10, 0)]
    con.close()
