"""The merge into raw on a real DuckDB file: three hand-written typed rows."""

from __future__ import annotations

import duckdb

from ecoute.etl import SOURCES
from ecoute.etl.load import merge
from ecoute.etl.schema import create_raw_tables


def test_merge_keeps_each_rows_line_and_restores_the_order_setting(tmp_path):
    """c1 on line 2, c2 on line 3 and c1 again on line 4 with new content: c1's line-4 version
    wins (the last line), c2 keeps line 3: 3 rows loaded, 1 of them an update, no duplicate. The unordered insert must not
    leak its setting to the connection's later statements."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    create_raw_tables(con)
    entity = SOURCES["calls"]
    con.execute(
        "create temp table rows as select * from (values "
        "(1, 2, 'c1', 10::ubigint), (2, 3, 'c2', 20::ubigint), (3, 4, 'c1', 11::ubigint)"
        ") v(_ord, _ln, call_id, _row_hash)"
    )
    names = [f.name for f in entity.fields if f.name != "call_id"]
    typed = ("(select r.*, true as _ok, null::json as extra, "
             + ", ".join(f"null as {n}" for n in names) + " from rows r)")  # fmt: skip
    counts = merge(con, entity, typed, 1, "calls.csv")
    assert (counts.loaded, counts.updated, counts.duplicate) == (3, 1, 0)
    got = con.execute("select call_id, _line, _row_hash from raw.calls order by call_id").fetchall()
    assert got == [("c1", 4, 11), ("c2", 3, 20)]
    assert con.execute("select current_setting('preserve_insertion_order')").fetchone()[0] is True
