"""What a validation run found, and how it is kept in ``meta.expectation_results``.

Pure Python: importing this module never imports Great Expectations, so the loader and the
CLI can hold and record a report without paying GX's import time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal

RESULTS_TABLE = "meta.expectation_results"
RESULTS_DDL = f"""
    create table if not exists {RESULTS_TABLE} (
        load_id bigint, checked_at timestamptz, suite varchar, expectation varchar,
        "column" varchar, severity varchar, success boolean, observed varchar,
        expected varchar, exception varchar, status varchar)"""


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation's outcome on one batch.

    ``status`` is ``passed`` or ``failed`` (the data), ``error`` (GX or SQL could not evaluate
    it: not a data failure, ``exception`` says why) or ``skipped`` (empty batch).
    ``success`` is True/False for passed/failed and None otherwise.
    """

    suite: str
    expectation: str
    severity: str  # block | warn
    status: str
    column: str | None = None
    gx_type: str = ""
    observed: Any = None
    expected: dict[str, Any] = field(default_factory=dict)
    exception: str | None = None

    @property
    def success(self) -> bool | None:
        return {"passed": True, "failed": False}.get(self.status)

    @property
    def name(self) -> str:
        return f"{self.suite}.{self.expectation}"

    def __str__(self) -> str:
        if self.status == "error":
            return f"{self.name} [{self.severity}] could not run: {self.exception}"
        return (
            f"{self.name} [{self.severity}] {self.status}: observed {_short(self.observed)}, "
            f"expected {_short(self.expected)}"
        )

    def as_row(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "expectation": self.expectation,
            "column": self.column,
            "severity": self.severity,
            "status": self.status,
            "success": self.success,
            "observed": _json(self.observed),
            "expected": _json(self.expected),
            "exception": self.exception,
        }


@dataclass
class ValidationReport:
    """Every result of one ``validate`` call; ``load_id`` is None for ``ecoute check``."""

    load_id: int | None
    checked_at: dt.datetime
    as_of: dt.datetime
    results: list[ExpectationResult] = field(default_factory=list)
    on_error: str = "block"  # an expectation that cannot run: block (fail closed) | warn
    seconds: float = 0.0

    @property
    def blocking_failures(self) -> list[ExpectationResult]:
        """Blocking expectations the data failed, plus (by default) blocking ones that errored:
        a gate that cannot run stays closed, or a GX regression would pass every load."""
        return [
            r
            for r in self.results
            if r.severity == "block"
            and (r.status == "failed" or (r.status == "error" and self.on_error == "block"))
        ]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.severity == "warn" and r.status == "failed"]

    @property
    def errors(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.status == "error"]

    def record(self, con: duckdb.DuckDBPyConnection) -> int:
        """Append the results to ``meta.expectation_results`` on ``con``.

        Never begins, commits or rolls back: the caller owns the transaction (the loader calls
        this inside its load, or after a rollback in a fresh transaction).
        """
        con.execute("create schema if not exists meta")
        con.execute(RESULTS_DDL)
        rows = [
            (self.load_id, self.checked_at, r.suite, r.expectation, r.column, r.severity,
             r.success, _json(r.observed), _json(r.expected), r.exception, r.status)
            for r in self.results
        ]  # fmt: skip
        if rows:  # literals, not bound parameters: binding imports pandas (~1-4 s per load)
            values = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
            con.execute(
                f"insert into {RESULTS_TABLE} (load_id, checked_at, suite, expectation, "
                '"column", severity, success, observed, expected, exception, status) '
                f"values {values}"
            )
        return len(rows)

    def rows(self) -> list[dict[str, Any]]:
        return [{"load_id": self.load_id, **r.as_row()} for r in self.results]


def stored_report(
    con: duckdb.DuckDBPyConnection,
    entities: Iterable[str] | None = None,
    on_error: str = "block",
) -> ValidationReport | None:
    """The latest stored verdict of every expectation (of ``entities``' suites), as a report
    ``ecoute check`` prints without re-running anything; None when nothing was ever checked.
    Its ``checked_at`` and ``as_of`` are the newest result's time; ``load_id`` is None."""
    suites = literal(sorted(entities)) if entities is not None else "null"
    text = resources.files(__package__).joinpath("latest_results.sql").read_text("utf-8")
    try:
        rows = con.execute(text.format(suites=suites)).fetchall()
    except duckdb.CatalogException:
        return None
    if not rows:
        return None
    newest = max(r[1] for r in rows)
    report = ValidationReport(None, newest, newest, on_error=on_error)
    for _load, _at, suite, name, column, severity, status, observed, expected, exc in rows:
        report.results.append(ExpectationResult(
            suite=suite, expectation=name, severity=severity, status=status, column=column,
            observed=_parsed(observed), expected=_parsed(expected) or {}, exception=exc,
        ))  # fmt: skip
    return report


def _parsed(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else _json(value) or "null"
    return text if len(text) <= limit else text[: limit - 1] + "…"
