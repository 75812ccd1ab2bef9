"""Run the suites on the caller's DuckDB connection, with one of two engines.

``duckdb`` (the default, ``[expectations] engine``): the checks ``native.supports`` are run as
one aggregate query per suite plus the suite's SQL checks, in plain DuckDB; anything else goes to
Great Expectations. ``gx``: every check through GX's SQL path, as before (docs/quality.md "Two
engines"). GX is imported only when an expectation goes to it (about 8 s). Nothing here begins,
commits, rolls back or closes the connection: the loader validates its uncommitted rows and
decides.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from ecoute.core.settings import Settings
from ecoute.expectations import native
from ecoute.expectations.native import first_line as _first_line
from ecoute.expectations.report import ExpectationResult, ValidationReport
from ecoute.expectations.suites import (
    SUITES_DIR,
    ExpectationSpec,
    Raw,
    Suite,
    SuiteError,
    load_suite,
    render,
    suite_names,
)

ENGINES = ("duckdb", "gx")

_SUMMARY = {"result_format": "SUMMARY", "partial_unexpected_count": 5}
_COMPLETE = {"result_format": "COMPLETE"}  # UnexpectedRows: returns the rows the SQL found (≤ 200)


def validate(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    load_id: int | None = None,
    entities: Iterable[str] | None = None,
    *,
    as_of: dt.datetime | None = None,
    checked_at: dt.datetime | None = None,
    suites_dir: Path = SUITES_DIR,
) -> ValidationReport:
    """Validate the rows of ``load_id`` (None: everything loaded) for ``entities`` (None: all
    suites) on ``con``, inside whatever transaction it has open.

    ``as_of`` is the clock freshness is measured against: the argument, else ``[expectations]
    as_of``, else the load's ``meta.loads.started_at``, else the latest completed load's.
    ``[expectations] engine`` says who evaluates the checks (``duckdb`` or ``gx``);
    ``suites_dir`` is where the suites are read (tests and trials point elsewhere).
    """
    t0 = time.perf_counter()
    cfg = settings.section("expectations")
    engine = str(cfg.get("engine", "duckdb"))
    if engine not in ENGINES:
        raise SuiteError(
            f"[expectations] engine must be one of {', '.join(ENGINES)}, got {engine!r}"
        )
    checked_at = checked_at or dt.datetime.now(dt.UTC)
    as_of = _resolve_as_of(con, cfg, load_id, as_of, checked_at)
    report = ValidationReport(load_id, checked_at, as_of, on_error=cfg.get("on_error", "block"))
    known = suite_names(suites_dir)
    wanted = known if entities is None else [e for e in entities if e in known]
    suites = [load_suite(name, _suite_overrides(cfg, name), suites_dir) for name in wanted]
    suites = [s for s in suites if s.enabled and any(e.enabled for e in s.expectations)]
    gx = _LazyGx(con)
    for suite in suites:
        report.results += _run_suite(con, gx, engine, suite, load_id, as_of)
    gx.close()
    report.seconds = time.perf_counter() - t0
    return report


def _suite_overrides(cfg: dict[str, Any], name: str) -> dict[str, Any]:
    value = cfg.get(name)
    return value if isinstance(value, dict) else {}


def _resolve_as_of(
    con: duckdb.DuckDBPyConnection,
    cfg: dict[str, Any],
    load_id: int | None,
    as_of: dt.datetime | None,
    checked_at: dt.datetime,
) -> dt.datetime:
    if as_of is None and cfg.get("as_of"):
        as_of = parse_as_of(str(cfg["as_of"]))
    if as_of is None:
        as_of = _load_clock(con, load_id)
    as_of = as_of or checked_at
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.UTC)


def parse_as_of(text: str) -> dt.datetime:
    """``2026-06-15`` (midnight UTC) or an ISO instant."""
    value = dt.datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _load_clock(con: duckdb.DuckDBPyConnection, load_id: int | None) -> dt.datetime | None:
    try:
        if load_id is not None:
            # an inlined literal, not a bound parameter: binding imports pandas (~1-4 s)
            sql = f"select started_at from meta.loads where load_id = {int(load_id)}"
            row = con.execute(sql).fetchone()
        else:
            row = con.execute(
                "select max(started_at) from meta.loads where status = 'completed'"
            ).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


# GX imports pyspark when it is installed (the spark group, docs/spark.md); pyspark then warns
# that it does not fully support pandas 3, which concerns Spark's pandas API, not GX on DuckDB.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)

_CONTEXT: list[Any] = []  # one ephemeral GX context per process (each makes a temp docs dir)


def _gx_context() -> Any:
    if not _CONTEXT:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        _CONTEXT.append(context)
    return _CONTEXT[0]


def _gx_datasource(con: duckdb.DuckDBPyConnection) -> tuple[Any, Any, Any]:
    from ecoute.expectations.shim import BorrowedConnection, engine_kwargs

    context = _gx_context()
    if "warehouse" in context.data_sources.all():
        context.data_sources.delete("warehouse")  # bound to the previous caller's connection
    borrowed = BorrowedConnection(con)
    datasource = context.data_sources.add_sql(
        "warehouse", connection_string="duckdb:///:memory:", kwargs=engine_kwargs(borrowed)
    )
    return context, datasource, borrowed


class _LazyGx:
    """GX's context and data source on ``con``, made (and GX imported) on first use only."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.parts = con, None

    def run(
        self, suite: Suite, specs: list[ExpectationSpec], batch_sql: str, base: dict[str, Any]
    ) -> dict[str, ExpectationResult]:
        with _quiet_gx():
            if self.parts is None:
                self.parts = _gx_datasource(self.con)
            context, datasource, _ = self.parts
            return _run_gx(context, datasource, suite, specs, batch_sql, base)

    def close(self) -> None:
        if self.parts is not None:
            logging.getLogger(__name__).debug("shim swallowed %s", dict(self.parts[2].ignored))


def _run_suite(
    con: duckdb.DuckDBPyConnection,
    gx: _LazyGx,
    engine: str,
    suite: Suite,
    load_id: int | None,
    as_of: dt.datetime,
) -> list[ExpectationResult]:
    specs = [e for e in suite.expectations if e.enabled]
    rows = Raw(f"_load_id = {int(load_id)}" if load_id is not None else "true")
    base = {"rows": rows, "load_id": load_id, "as_of": as_of, "entity": suite.name}
    try:
        batch_sql = render(suite.batch, base)
        (size,) = con.execute(f"select count(*) from ({batch_sql})").fetchone()
    except Exception as exc:  # noqa: BLE001 - a broken suite is reported, never raised
        return [_error(suite, s, f"batch query failed: {_first_line(exc)}") for s in specs]
    results: dict[str, ExpectationResult] = {}
    runnable = []
    for spec in specs:
        if size == 0 and spec.uses_batch:
            results[spec.name] = _result(suite, spec, "skipped", observed={"batch_rows": 0})
        else:
            runnable.append(spec)
    ours = [s for s in runnable if engine == "duckdb" and native.supports(s)]
    results.update(_run_native(con, suite, ours, batch_sql, base))
    theirs = [s for s in runnable if s not in ours]
    if theirs:
        results.update(gx.run(suite, theirs, batch_sql, base))
    return [results[s.name] for s in specs]


def _run_native(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    specs: list[ExpectationSpec],
    batch_sql: str,
    base: dict[str, Any],
) -> dict[str, ExpectationResult]:
    columns = [s for s in specs if not s.is_sql]
    try:
        outcomes = native.run_columns(con, columns, batch_sql)
    except duckdb.Error as exc:  # the one check of the suite could not run
        outcomes = {columns[0].name: native.Outcome("error", error=_first_line(exc))}
    for spec in (s for s in specs if s.is_sql):
        try:
            query = render(spec.sql, {**base, **spec.params})
        except SuiteError as exc:
            outcomes[spec.name] = native.Outcome("error", error=f"invalid expectation: {exc}")
            continue
        outcomes[spec.name] = native.run_sql(con, query, batch_sql)
    return {name: _from_native(suite, _spec(specs, name), o) for name, o in outcomes.items()}


def _spec(specs: list[ExpectationSpec], name: str) -> ExpectationSpec:
    return next(s for s in specs if s.name == name)


def _from_native(suite: Suite, spec: ExpectationSpec, outcome: native.Outcome) -> ExpectationResult:
    if outcome.status == "error":
        return _error(suite, spec, outcome.error or "error")
    return _result(suite, spec, outcome.status, observed=outcome.observed)


def _run_gx(
    context: Any,
    datasource: Any,
    suite: Suite,
    specs: list[ExpectationSpec],
    batch_sql: str,
    base: dict[str, Any],
) -> dict[str, ExpectationResult]:
    import great_expectations as gx

    out: dict[str, ExpectationResult] = {}
    try:
        asset = datasource.add_query_asset(suite.name, query=batch_sql)
        batch = asset.add_batch_definition_whole_table("batch").get_batch()
    except Exception as exc:  # noqa: BLE001
        message = f"GX could not open the batch: {_first_line(exc)}"
        return {s.name: _error(suite, s, message) for s in specs}
    for is_sql, fmt in ((False, _SUMMARY), (True, _COMPLETE)):
        group = [s for s in specs if s.is_sql == is_sql]
        gx_suite = gx.ExpectationSuite(f"{suite.name}-{'sql' if is_sql else 'columns'}")
        by_id: dict[str, ExpectationSpec] = {}
        for spec in group:
            try:
                expectation = _gx_expectation(spec, base)
            except Exception as exc:  # noqa: BLE001 - a bad kwarg is this expectation's error
                out[spec.name] = _error(suite, spec, f"invalid expectation: {_first_line(exc)}")
                continue
            gx_suite.add_expectation(expectation)
            by_id[spec.name] = spec
        if not by_id:
            continue
        try:
            validation = batch.validate(gx_suite, result_format=fmt)
        except Exception as exc:  # noqa: BLE001
            out.update({s.name: _error(suite, s, _first_line(exc)) for s in by_id.values()})
            continue
        for r in validation.results:
            spec = by_id[(r.expectation_config.meta or {})["ecoute"]]
            out[spec.name] = _from_gx(suite, spec, r)
    datasource.delete_asset(suite.name)
    return out


def _gx_expectation(spec: ExpectationSpec, base: dict[str, Any]) -> Any:
    import great_expectations.expectations as gxe

    meta = {"ecoute": spec.name}
    if spec.is_sql:
        query = render(spec.sql, {**base, **spec.params})
        return gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=query, description=spec.why or spec.name, meta=meta
        )
    cls_name = "".join(part.capitalize() for part in spec.expect.split("_"))
    cls = getattr(gxe, cls_name, None)
    if cls is None:
        raise ValueError(f"GX has no expectation {spec.expect!r}")
    kwargs = dict(spec.kwargs)
    if spec.column:
        kwargs["column"] = spec.column
    return cls(**kwargs, meta=meta)


def _from_gx(suite: Suite, spec: ExpectationSpec, r: Any) -> ExpectationResult:
    """Translate one GX result; an exception GX caught becomes status ``error``."""
    problems = _exceptions(r.exception_info)
    if problems:
        return _error(suite, spec, problems)
    if not spec.is_sql and "observed_value" in r.result and r.result["observed_value"] is None:
        # an aggregate over no values (a share of calls with a customer id, when none has
        # one): nothing to measure here, which another expectation (a null rate) judges
        return _result(suite, spec, "skipped", observed=None)
    status = "passed" if r.success else "failed"
    return _result(suite, spec, status, observed=_observed(spec, r.result))


def _exceptions(info: Any) -> str | None:
    """GX puts exceptions either at the top (``raised_exception``) or per metric id."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    messages = [
        str(e.get("exception_message") or "exception").strip()
        for e in entries
        if isinstance(e, dict) and e.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(_first_line(m) for m in messages)) or None


def _observed(spec: ExpectationSpec, result: dict[str, Any]) -> Any:
    if spec.is_sql:
        rows = (result.get("details") or {}).get("unexpected_rows") or []
        return {"unexpected_rows": result.get("observed_value"), "rows": rows[:5]}
    if "observed_value" in result:
        return result["observed_value"]
    keys = ("unexpected_percent", "unexpected_count", "element_count", "partial_unexpected_list")
    observed = {k: result[k] for k in keys if k in result}
    if not any(v is not None for v in observed.get("partial_unexpected_list") or []):
        observed.pop("partial_unexpected_list", None)  # a list of nulls says nothing
    return observed


def _result(
    suite: Suite, spec: ExpectationSpec, status: str, observed: Any = None
) -> ExpectationResult:
    return ExpectationResult(
        suite=suite.name, expectation=spec.name, severity=spec.severity, status=status,
        column=spec.column, gx_type=spec.gx_type, observed=observed, expected=spec.expected(),
    )  # fmt: skip


def _error(suite: Suite, spec: ExpectationSpec, message: str) -> ExpectationResult:
    return ExpectationResult(
        suite=suite.name, expectation=spec.name, severity=spec.severity, status="error",
        column=spec.column, gx_type=spec.gx_type, expected=spec.expected(), exception=message,
    )  # fmt: skip


class _quiet_gx:
    """GX warns, logs and even prints (UnexpectedRowsExpectation without ``{batch}``); keep
    stdout for our own report (``ecoute check --format json``)."""

    def __enter__(self) -> None:
        self._stdout = contextlib.redirect_stdout(io.StringIO())
        self._stdout.__enter__()
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        self._logger = logging.getLogger("great_expectations")
        self._level = self._logger.level
        self._logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
        self._warnings.__exit__(*exc)
        self._stdout.__exit__(*exc)
