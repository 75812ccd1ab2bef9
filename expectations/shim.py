"""Run GX's SQL path on the loader's own DuckDB connection, inside its open transaction.

Two problems, one adapter at the DB-API level (GX itself is not patched):

1. Sharing the transaction. The loader validates rows it has not committed, so GX must use the
   very same ``DuckDBPyConnection``: ``con.cursor()`` would open a second connection that cannot
   see them. SQLAlchemy, though, ends every borrowed connection with ``rollback()`` (reset on
   return) and may ``close()`` it; duckdb-engine's dialect also calls ``begin()``. On the
   loader's connection any of those would end (or refuse) its transaction. ``BorrowedConnection``
   makes ``begin``/``commit``/``rollback``/``close`` do nothing and only counts them.

2. great_expectations#11579. GX (through 1.24.1) runs each metric query as
   ``with engine.connect() as c: result = c.execute(q)`` and calls ``result.fetchall()`` after
   that block has returned the connection; duckdb-engine keeps rows on the connection, and the
   return (rollback/close) drops them, so every metric resolves to an empty list
   (``IndexError: list index out of range`` in ``exception_info``, "Observed: N/A").
   ``BorrowedConnection.execute`` reads the whole result into a buffer at once, so each cursor
   owns its rows whatever the pool does afterwards. GX only fetches aggregates, ``LIMIT``-ed
   samples (result format SUMMARY) or at most 200 rows of an UnexpectedRowsExpectation, so the
   buffer stays small.

Verified against ``VERIFIED_GX``; tests/expectations/test_shim.py fails the day GX behaves
differently (the bug fixed, or the shim no longer enough).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb

VERIFIED_GX = "1.24.1"
VERIFIED_DUCKDB_ENGINE = "0.17.0"


class BorrowedConnection:
    """A DB-API connection over someone else's DuckDB connection: reads results eagerly, never
    ends the transaction or the connection it borrows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._rows: list[tuple[Any, ...]] = []
        self.description: Any = None
        self.ignored: Counter[str] = Counter()  # begin/commit/rollback/close calls swallowed

    # duckdb-engine's CursorWrapper calls these on the connection it wraps.
    def execute(self, statement: str, parameters: Any = None) -> BorrowedConnection:
        if parameters is None:
            self._con.execute(statement)
        else:
            self._con.execute(statement, parameters)
        self.description = self._con.description
        self._rows = self._con.fetchall() if self.description else []
        return self

    def executemany(self, statement: str, parameters: Any = None) -> BorrowedConnection:
        self._con.executemany(statement, parameters or [])
        self.description, self._rows = None, []
        return self

    @property
    def rowcount(self) -> int:
        return -1

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        out, self._rows = self._rows[:size], self._rows[size:]
        return out

    def fetchall(self) -> list[tuple[Any, ...]]:
        out, self._rows = self._rows, []
        return out

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


def engine_kwargs(borrowed: BorrowedConnection) -> dict[str, Any]:
    """The ``create_engine`` keyword arguments GX's SQL data source passes on."""
    import duckdb_engine
    import sqlalchemy as sa

    return {
        "creator": lambda: duckdb_engine.ConnectionWrapper(borrowed),
        "poolclass": sa.pool.StaticPool,
        "pool_reset_on_return": None,
    }
