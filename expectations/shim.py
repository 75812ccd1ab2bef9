"""Run GX's SQL path on the loader's own DuckDB connection, inside its open transaction.

Two problems, one adapter at the DB-API level (GX itself is not patched):

1. Sharing the transaction. The loader validates rows it has not committed, so GX must use the
   very same ``DuckDBPyConnection``: ``con.cursor()`` would open a second connection that cannot
   see them. SQLAlchemy, though, ends every borrowed connection with ``rollback()`` (reset on
   return) and may ``close()`` it; duckdb-engine's dialect also calls ``begin()``. On the
   loader's connection any of those would end (or refuse) its transaction. ``BorrowedConnection``
   makes ``begin``/``commit``/``rollback``/``close`` do nothing and counts them.

2. great_expectations#11579. GX (through 1.24.1) runs each metric query as
   ``with engine.connect() as c: result = c.execute(q)`` and calls ``result.fetchall()`` after
   that block has returned the connection; duckdb-engine keeps the rows on the connection, and
   the return (rollback, close) drops them, so every metric resolves to an empty list
   (``IndexError: list index out of range`` in ``exception_info``, "Observed: N/A"). Here the
   return drops nothing (point 1), and each cursor also reads the head of its result
   (``HEAD_ROWS``) at once, so aggregates and ``LIMIT``-ed samples (all GX fetches in SUMMARY
   format) survive any later statement. The rest of a long result streams; reading it after
   another statement ran raises instead of returning someone else's rows. Buffering whole
   results is not an option: GX reads column names with an unbounded ``SELECT *`` over the
   batch, which would copy all 5 million rows into Python.

Verified against ``VERIFIED_GX``; tests/expectations/test_quality_shim.py fails the day GX
behaves differently (the bug fixed, or the shim no longer applied).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb

VERIFIED_GX = "1.24.1"
VERIFIED_DUCKDB_ENGINE = "0.17.0"


HEAD_ROWS = 2048


class BorrowedConnection:
    """A DB-API connection over someone else's DuckDB connection that never ends its
    transaction or closes it; its cursors read their head eagerly (see module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.statements = 0  # bumps on every execute: a cursor knows when it was superseded
        self.ignored: Counter[str] = Counter()  # begin/commit/rollback/close calls swallowed
        self.autocommit = None
        self.closed = False
        self.notices: list[str] = []  # the PostgreSQL dialect duckdb-engine extends reads it

    def cursor(self) -> BorrowedCursor:
        return BorrowedCursor(self)

    def begin(self) -> None:
        self.ignored["begin"] += 1

    def commit(self) -> None:
        self.ignored["commit"] += 1

    def rollback(self) -> None:
        self.ignored["rollback"] += 1

    def close(self) -> None:
        self.ignored["close"] += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


class BorrowedCursor:
    """A cursor on the borrowed connection: the first ``HEAD_ROWS`` rows are its own."""

    arraysize = 1

    def __init__(self, owner: BorrowedConnection) -> None:
        self._owner = owner
        self._rows: list[tuple[Any, ...]] = []
        self._more = False
        self._statement = -1
        self.description: Any = None
        self.rowcount = -1

    @property
    def connection(self) -> BorrowedConnection:
        return self._owner

    def execute(self, statement: str, parameters: Any = None, context: Any = None) -> None:
        con = self._owner._con
        self._owner.statements += 1
        self._statement = self._owner.statements
        if statement.strip().lower() == "commit":  # duckdb-engine's ipython-sql courtesy
            self._owner.commit()
            self.description, self._rows, self._more = None, [], False
            return
        con.execute(statement, parameters) if parameters is not None else con.execute(statement)
        self.description = con.description
        self._rows = con.fetchmany(HEAD_ROWS) if self.description else []
        self._more = len(self._rows) == HEAD_ROWS

    def executemany(self, statement: str, parameters: Any = None, context: Any = None) -> None:
        self._owner.statements += 1
        self._owner._con.executemany(statement, list(parameters or []))
        self.description, self._rows, self._more = None, [], False

    def _stream(self, size: int | None) -> list[tuple[Any, ...]]:
        if not self._more:
            return []
        if self._statement != self._owner.statements:
            raise RuntimeError("result superseded: another statement ran on the connection")
        rows = self._owner._con.fetchall() if size is None else self._owner._con.fetchmany(size)
        self._more = size is not None and len(rows) == size
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self.fetchmany(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        size = size or self.arraysize
        out, self._rows = self._rows[:size], self._rows[size:]
        return out + self._stream(size - len(out)) if len(out) < size else out

    def fetchall(self) -> list[tuple[Any, ...]]:
        out, self._rows = self._rows, []
        return out + self._stream(None)

    def close(self) -> None:
        self._rows, self._more = [], False


def engine_kwargs(borrowed: BorrowedConnection) -> dict[str, Any]:
    """The ``create_engine`` keyword arguments GX's SQL data source passes on."""
    import sqlalchemy as sa

    return {
        "creator": lambda: borrowed,
        "poolclass": sa.pool.StaticPool,
        "pool_reset_on_return": None,
    }
