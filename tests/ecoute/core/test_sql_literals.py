"""One set of literal rules for the load, the metric and report queries and the quality suites."""

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from ecoute.core.sql_literals import literal

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -7,
        0.125,
        "it's",
        "a\x00b",
        dt.date(2026, 7, 5),
        [1, 2],
        ["a", None, "b's"],
    ],
)
def test_a_literal_reads_back_as_the_same_value(value):
    assert duckdb.connect().execute(f"select {literal(value)}").fetchone()[0] == value


def test_an_instant_is_written_in_utc_whatever_its_zone():
    summer = dt.datetime(2026, 7, 5, 14, 30, tzinfo=BRUSSELS)
    assert literal(summer) == "timestamptz '2026-07-05T12:30:00+00:00'"
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    assert con.execute(f"select {literal(summer)}").fetchone()[0] == summer


def test_a_naive_datetime_is_refused_unless_the_caller_says_it_is_utc():
    naive = dt.datetime(2026, 6, 15, 8, 0)
    with pytest.raises(ValueError, match="naive datetime"):
        literal(naive)
    assert literal(naive, naive_utc=True) == "timestamptz '2026-06-15T08:00:00+00:00'"
    assert literal([naive], naive_utc=True) == "[timestamptz '2026-06-15T08:00:00+00:00']"
