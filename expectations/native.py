"""The DuckDB engine: a suite's column checks as one aggregate query, its SQL checks as plain SQL.

The suites stay the one definition: each GX expectation this engine knows has a struct of
aggregates in ``expectations/checks/<expect>.sql``; a suite's enabled checks are put side by side
in a single ``select … from (batch)`` (one scan of this load's rows, one round trip), and each
verdict is judged here with GX's own rules (``mostly`` over the rows judged, inclusive bounds
unless ``strict_*``, an aggregate over no values is skipped), so verdicts, unexpected counts and
observed values are the ones GX gives (tests/expectations/test_native.py runs both). An
expectation this engine does not know, or with a kwarg it does not, goes to GX (``supports``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ecoute.core.errors import first_line as core_first_line
from ecoute.expectations.suites import ExpectationSpec, Raw, render

CHECKS_DIR = Path(__file__).with_name("checks")
_MAP = frozenset({"mostly"})
_BETWEEN = frozenset({"min_value", "max_value", "strict_min", "strict_max"})


@dataclass(frozen=True)
class Kind:
    judge: str  # "rows": mostly over nonnull rows; "all_rows": over every row; "value": between
    kwargs: frozenset[str]
    required: frozenset[str] = frozenset()


KINDS = {
    "expect_column_values_to_not_be_null": Kind("all_rows", _MAP),
    "expect_column_values_to_be_null": Kind("all_rows", _MAP),
    "expect_column_values_to_be_in_set": Kind("rows", _MAP | {"value_set"}, frozenset({"value_set"})),
    "expect_column_values_to_not_be_in_set": Kind("rows", _MAP | {"value_set"}, frozenset({"value_set"})),
    "expect_column_values_to_be_between": Kind("rows", _MAP | _BETWEEN),
    "expect_column_values_to_match_regex": Kind("rows", _MAP | {"regex"}, frozenset({"regex"})),
    "expect_column_values_to_not_match_regex": Kind("rows", _MAP | {"regex"}, frozenset({"regex"})),
    "expect_column_values_to_be_unique": Kind("rows", _MAP),
    "expect_column_mean_to_be_between": Kind("value", _BETWEEN),
    "expect_column_median_to_be_between": Kind("value", _BETWEEN),
    "expect_column_min_to_be_between": Kind("value", _BETWEEN),
    "expect_column_max_to_be_between": Kind("value", _BETWEEN),
    "expect_column_sum_to_be_between": Kind("value", _BETWEEN),
    "expect_table_row_count_to_be_between": Kind("value", _BETWEEN),
}  # fmt: skip


def supports(spec: ExpectationSpec) -> bool:
    """True when this engine computes ``spec`` as GX would; anything else is GX's to run."""
    if spec.is_sql:
        return True
    kind = KINDS.get(spec.expect)
    given = {k for k, v in spec.kwargs.items() if v is not None}
    if kind is None or not set(spec.kwargs) <= kind.kwargs or not kind.required <= given:
        return False  # GX runs it, and says what is wrong with it
    if (spec.column is None) != spec.expect.startswith("expect_table_"):
        return False
    bounds = [spec.kwargs.get(k) for k in ("min_value", "max_value", "mostly")]
    # numbers only: GX parses date strings against datetime observations; that stays GX's job
    return all(
        b is None or (isinstance(b, int | float) and not isinstance(b, bool)) for b in bounds
    )


@dataclass(frozen=True)
class Outcome:
    """What the engine measured for one expectation; ``error`` when it could not."""

    status: str  # passed | failed | skipped | error
    observed: Any = None
    error: str | None = None


def run_columns(
    con: duckdb.DuckDBPyConnection, specs: list[ExpectationSpec], batch_sql: str
) -> dict[str, Outcome]:
    """Every column check of ``specs`` in one query over the batch; when that query fails, each
    check alone, so one bad column is that expectation's error, not the suite's."""
    if not specs:
        return {}
    try:
        size, *values = _aggregate(con, specs, batch_sql)
    except _PLANNING:  # refused before it ran: the transaction is intact, find the culprit
        if len(specs) == 1:
            raise
        return {s.name: _alone(con, s, batch_sql) for s in specs}
    except duckdb.Error as exc:  # failed while running: DuckDB has aborted the transaction
        return {s.name: Outcome("error", error=first_line(exc)) for s in specs}
    return {s.name: judge(s, size, v) for s, v in zip(specs, values, strict=True)}


# Errors DuckDB raises while planning a query; an error while it runs (an invalid regex, a failed
# cast) aborts the open transaction, so nothing more can run in it and the load rolls back.
_PLANNING = (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException)


def _alone(con: duckdb.DuckDBPyConnection, spec: ExpectationSpec, batch_sql: str) -> Outcome:
    try:
        return run_columns(con, [spec], batch_sql)[spec.name]
    except duckdb.Error as exc:
        return Outcome("error", error=first_line(exc))


def _aggregate(
    con: duckdb.DuckDBPyConnection, specs: list[ExpectationSpec], batch_sql: str
) -> tuple:
    batch = Raw(f"({batch_sql})")
    parts = [
        f"{render(_template(s.expect), _values(s, batch))} as c{i}" for i, s in enumerate(specs)
    ]
    sql = f"select count(*), {', '.join(parts)} from {batch.sql} as batch"
    return con.execute(sql).fetchone()


@cache
def _template(expect: str) -> str:
    return (CHECKS_DIR / f"{expect}.sql").read_text(encoding="utf-8").strip()


def _values(spec: ExpectationSpec, batch: Raw) -> dict[str, Any]:
    kw = spec.kwargs
    column = Raw('"' + (spec.column or "").replace('"', '""') + '"')
    return {
        "column": column, "batch": batch, "value_set": list(kw.get("value_set") or []),
        "regex": kw.get("regex"), "min_value": kw.get("min_value"), "max_value": kw.get("max_value"),
        "min_op": Raw(">" if kw.get("strict_min") else ">="),
        "max_op": Raw("<" if kw.get("strict_max") else "<="),
    }  # fmt: skip


def judge(spec: ExpectationSpec, size: int, value: dict[str, Any]) -> Outcome:
    """GX's verdict on the aggregates (great_expectations/expectations/expectation.py, 1.24.1:
    ``ColumnMapExpectation._validate``, ``_format_map_output``, ``_validate_metric_value_between``)."""
    kind = KINDS[spec.expect]
    if kind.judge == "value":
        return _between(spec, value["observed"])
    unexpected = value["unexpected"]
    judged = size if kind.judge == "all_rows" else value["nonnull"]
    mostly = spec.kwargs.get("mostly", 1)
    ok = judged == 0 or (float(judged) - float(unexpected)) / float(judged) >= mostly
    percent = unexpected / judged * 100 if judged else None
    observed: dict[str, Any] = {
        "element_count": size, "unexpected_count": unexpected, "unexpected_percent": percent,
    }  # fmt: skip
    sample = [v for v in value.get("sample") or [] if v is not None]
    if sample:
        observed["partial_unexpected_list"] = sample
    return Outcome("passed" if ok else "failed", observed)


def _between(spec: ExpectationSpec, observed: Any) -> Outcome:
    if observed is None:  # an aggregate over no values: nothing to measure (runner's rule)
        return Outcome("skipped")
    kw = spec.kwargs
    low, high = kw.get("min_value"), kw.get("max_value")
    above = low is None or (observed > low if kw.get("strict_min") else observed >= low)
    below = high is None or (observed < high if kw.get("strict_max") else observed <= high)
    return Outcome("passed" if above and below else "failed", observed)


def run_sql(con: duckdb.DuckDBPyConnection, query: str, batch_sql: str) -> Outcome:
    """A ``sql:`` check as GX's UnexpectedRowsExpectation: every row it returns is a failure;
    ``{batch}`` is the batch query, doubled braces are literal (GX's ``str.format`` rule)."""
    try:
        sql = query.format(batch=f"({batch_sql})").rstrip("; \t\r\n\v\f")
        (count,) = con.execute(f"select count(*) from ({sql})").fetchone()
        cursor = con.execute(f"select * from ({sql}) limit 5")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    except (duckdb.Error, KeyError, IndexError, ValueError) as exc:
        return Outcome("error", error=first_line(exc))
    return Outcome("passed" if count == 0 else "failed", {"unexpected_rows": count, "rows": rows})


def first_line(exc: BaseException) -> str:
    """An error's first line, short enough for the results table."""
    return core_first_line(exc, limit=500)
