"""SQL literals the load writes instead of bound parameters (binding makes duckdb import pandas)."""

import duckdb
import pytest

from ecoute.etl.clean import bind, lit


@pytest.mark.parametrize("value", ["plain", "", "it's", "a\x00b", "\x00", "back\\slash\nnew é €"])
def test_lit_reads_back_as_the_same_text(value):
    assert duckdb.connect().execute(f"select {lit(value)}").fetchone()[0] == value


def test_bind_fills_each_placeholder_with_a_literal():
    sql = bind("select ?, ?, ?, ?, ?", [7, None, "what?", True, 0.125])
    assert duckdb.connect().execute(sql).fetchone() == (7, None, "what?", True, 0.125)


def test_bind_refuses_a_count_mismatch():
    with pytest.raises(ValueError):
        bind("select ?, ?", [1])
