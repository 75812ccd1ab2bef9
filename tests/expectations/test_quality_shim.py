"""The DuckDB shim for great_expectations#11579: still needed, still enough, still applied.

When one of these fails after a GX or duckdb-engine upgrade, read expectations/shim.py and
docs/quality.md ("The shim") before changing the pin in pyproject.toml.
"""

from __future__ import annotations

import importlib.metadata

import duckdb
import pytest

from ecoute.expectations.shim import (
    HEAD_ROWS,
    VERIFIED_DUCKDB_ENGINE,
    VERIFIED_GX,
    BorrowedConnection,
)


def test_pinned_versions_are_the_ones_the_shim_was_verified_with():
    assert importlib.metadata.version("great_expectations") == VERIFIED_GX
    assert importlib.metadata.version("duckdb_engine") == VERIFIED_DUCKDB_ENGINE


def _row_count_via_gx(datasource) -> tuple[object, str | None]:
    import great_expectations.expectations as gxe

    asset = datasource.add_query_asset("calls", query="select * from raw.calls")
    batch = asset.add_batch_definition_whole_table("all").get_batch()
    result = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=0))
    info = result.exception_info
    entries = [info] if "raised_exception" in info else list(info.values())
    errors = [e["exception_message"] for e in entries if e.get("raised_exception")]
    return result.result.get("observed_value"), (errors[0] if errors else None)


def test_without_the_shim_gx_still_loses_duckdb_results(tmp_path):
    """great_expectations#11579 as of the pinned GX: a plain duckdb-engine data source resolves
    every metric to an empty list. If this test fails, GX fixed it: the buffering in
    BorrowedConnection may go (keep the transaction part), and this test with it."""
    import great_expectations as gx

    path = tmp_path / "plain.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw; create table raw.calls as select range as i from range(10)")
    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql("plain", connection_string=f"duckdb:///{path}")
    observed, error = _row_count_via_gx(datasource)
    assert observed is None
    assert error is not None and "list index out of range" in error


def test_with_the_shim_gx_reads_the_uncommitted_rows_and_leaves_the_transaction(tmp_path):
    from ecoute.expectations.runner import _gx_datasource

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema raw; create table raw.calls as select range as i from range(10)")
    con.begin()
    con.execute("insert into raw.calls select range from range(5)")
    _, datasource, borrowed = _gx_datasource(con)
    observed, error = _row_count_via_gx(datasource)
    assert (observed, error) == (15, None)
    # SQLAlchemy did try to end the transaction: the shim is still what keeps it open
    assert borrowed.ignored["rollback"] > 0
    con.rollback()
    assert con.execute("select count(*) from raw.calls").fetchone()[0] == 10


def test_a_cursor_keeps_its_head_when_the_connection_runs_another_query():
    borrowed = BorrowedConnection(duckdb.connect())
    first, second = borrowed.cursor(), borrowed.cursor()
    first.execute("select range from range(3)")
    second.execute("select 42")  # what used to clobber a pending result
    assert first.fetchone() == (0,)
    assert first.fetchmany(5) == [(1,), (2,)]
    assert second.fetchall() == [(42,)]


def test_a_long_result_streams_and_refuses_to_mix_results():
    borrowed = BorrowedConnection(duckdb.connect())
    long, other = borrowed.cursor(), borrowed.cursor()
    long.execute(f"select range from range({HEAD_ROWS + 10})")
    assert len(long.fetchall()) == HEAD_ROWS + 10  # streamed past the head
    long.execute(f"select range from range({HEAD_ROWS + 10})")
    other.execute("select 1")
    assert len(long.fetchmany(HEAD_ROWS)) == HEAD_ROWS  # the head is its own
    with pytest.raises(RuntimeError, match="superseded"):
        long.fetchall()


@pytest.mark.parametrize("method", ["begin", "commit", "rollback", "close"])
def test_borrowed_connection_never_ends_the_lenders_transaction(method):
    con = duckdb.connect()
    con.execute("create table t (i int)")
    con.begin()
    con.execute("insert into t values (1)")
    borrowed = BorrowedConnection(con)
    getattr(borrowed, method)()
    assert borrowed.ignored[method] == 1
    con.rollback()  # still open, still the lender's
    assert con.execute("select count(*) from t").fetchone()[0] == 0
