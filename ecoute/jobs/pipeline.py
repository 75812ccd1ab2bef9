"""The pipeline's jobs, written once: load → check → build → report (→ e-mail).

The command line (``ecoute load``, ``check``, ``build``, ``report``, ``demo``) and the scheduler
are shells over these functions: they parse, call a job, print. This is the one place that wires
the layers together: the load (ecoute.etl) gets the quality gate (ecoute.expectations) and the
model build (ecoute.warehouse) as callables it runs inside its own transaction, so a blocking
check or a failed build still leaves the warehouse as it was.

Heavy libraries (Great Expectations takes about 8 s to import) are imported inside the jobs that
need them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecoute.core.settings import Settings
from ecoute.etl.pipeline import Build, Gate, GateClosed, LoadError, LoadResult, Progress, run_load

if TYPE_CHECKING:
    from ecoute.expectations import ValidationReport
    from ecoute.reports.run import Result


_BUILD_LOG = "ecoute.warehouse.build"  # the logger the model build reports each model on


class GateUnavailable(LoadError):
    """Checks are on but the quality suites cannot run: the load refuses rather than skip them."""


def _quiet(event: str, info: dict[str, Any]) -> None:
    pass


class _ModelEvents(logging.Handler):
    """Turns the build's "built MODEL in S s" log records into ``model_done`` progress events."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        if len(record.args or ()) == 2:
            name, seconds = record.args
            self.progress("model_done", {"model": str(name), "seconds": float(seconds)})


@contextlib.contextmanager
def model_events(progress: Progress) -> Iterator[None]:
    """While inside, each model the build materialises is reported to ``progress``."""
    if progress is _quiet:
        yield
        return
    logger = logging.getLogger(_BUILD_LOG)
    handler, level = _ModelEvents(progress), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# ---------------------------------------------------------------- load


def load(
    settings: Settings,
    directory: Path,
    mapping: Path | None = None,
    *,
    force: bool = False,
    checks: bool = True,
    build: bool = True,
    full_build: bool = False,
    progress: Progress = _quiet,
) -> LoadResult:
    """Load ``directory`` with the quality gate (unless ``checks`` is off, here or in
    ``[expectations] enabled``) and the model build (unless ``build`` is off) in its transaction.

    The build is incremental (only what the load changed, docs/incremental.md) unless
    ``full_build``; a first build is always full. Raises ``LoadError`` (or the mapping's
    ``MappingError``) with a one-line reason; the warehouse is then unchanged."""
    gate = quality_gate(settings, progress) if checks else None
    builder = model_build(settings, full=full_build, progress=progress) if build else None
    return run_load(settings, directory, mapping, force=force, gate=gate, build=builder,
                    progress=progress)  # fmt: skip


def quality_gate(settings: Settings, progress: Progress = _quiet) -> Gate | None:
    """The data-quality suites as the load's gate; None when ``[expectations] enabled = false``.

    A missing or broken ``ecoute.expectations`` raises ``GateUnavailable`` before the load
    starts: skipping the gates silently would let a bad batch into the reports."""
    if not settings.section("expectations")["enabled"]:
        return None
    validate = _validate_function()

    def gate(con: Any, load_id: int, entities: list[str]) -> ValidationReport:
        progress("stage", {"stage": "running the data-quality checks"})
        report = validate(con, settings, load_id=load_id, entities=entities)
        if report.blocking_failures:
            failed = "; ".join(str(f) for f in report.blocking_failures)
            raise GateClosed(report, f"blocking data-quality check failed: {failed}")
        report.record(con)
        return report

    return gate


def _validate_function() -> Callable[..., ValidationReport]:
    try:
        from ecoute.expectations import validate
    except Exception as exc:  # noqa: BLE001 - whatever breaks the import, the gate cannot run
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise GateUnavailable(
            f"the data-quality checks cannot run ({type(exc).__name__}: {reason}); "
            "to load without them, say so: --no-checks or [expectations] enabled = false"
        ) from exc
    return validate


def model_build(settings: Settings, *, full: bool = False, progress: Progress = _quiet) -> Build:
    """The warehouse build as the load's last step; it says how it built, in words."""

    def build(con: Any) -> str:
        from ecoute.warehouse.build import build_all
        from ecoute.warehouse.incremental import last_build

        with model_events(progress):
            build_all(con, settings, incremental=not full)
        return last_build(con)

    return build


# ---------------------------------------------------------------- check


class NoWarehouse(RuntimeError):
    """There is nothing to check or build yet."""


def check(
    settings: Settings,
    *,
    entities: Iterable[str] | None = None,
    as_of: dt.datetime | None = None,
) -> ValidationReport:
    """Run the suites on everything loaded and record the results (with an empty load id).

    Raises ``NoWarehouse`` without a warehouse file, the suites' ``SuiteError`` on a bad suite
    (nothing recorded). A blocking failure is in the report, not raised: callers decide."""
    from ecoute.etl.schema import create_raw_tables
    from ecoute.expectations import validate
    from ecoute.warehouse.connection import connect

    if not settings.warehouse.exists():
        raise NoWarehouse(f"no warehouse at {settings.warehouse}: run `ecoute load DIR` first")
    con = connect(settings)
    try:
        create_raw_tables(con)
        con.begin()
        try:
            report = validate(con, settings, load_id=None, entities=entities, as_of=as_of)
            report.record(con)
        except BaseException:
            con.rollback()
            raise
        con.commit()
    finally:
        con.close()
    return report


# ---------------------------------------------------------------- build


@dataclass(frozen=True)
class Built:
    models: list[str]
    engine: str  # duckdb | spark
    where: Path  # the warehouse file, or the lake Spark built in
    how: str = ""  # DuckDB: incremental (N customers) or full (why)


def build(
    settings: Settings,
    *,
    incremental: bool = False,
    atomic: bool = True,
    progress: Progress = _quiet,
) -> Built:
    """Rebuild the models from what is loaded: on DuckDB in the warehouse (one transaction
    unless not ``atomic``), or on Spark over the lake when ``[engine] name = "spark"``.
    ``progress`` hears ``model_done`` ({model, seconds}) after each model."""
    from ecoute.warehouse.connection import connect

    con = connect(settings)
    try:
        if settings.section("engine")["name"] == "spark":
            from ecoute.warehouse.spark import build_with_spark, lake_of

            return Built(build_with_spark(con, settings), "spark", lake_of(settings))
        with model_events(progress):
            return _build_duckdb(con, settings, incremental, atomic)
    finally:
        con.close()


def _build_duckdb(con: Any, settings: Settings, incremental: bool, atomic: bool) -> Built:
    from ecoute.warehouse.build import build_all
    from ecoute.warehouse.incremental import last_build

    if atomic:
        con.begin()
    try:
        built = build_all(con, settings, incremental=incremental, atomic=atomic)
    except BaseException:
        if atomic:
            con.rollback()
        raise
    if atomic:
        con.commit()
    return Built(built, "duckdb", settings.warehouse, last_build(con))


# ---------------------------------------------------------------- report


def report_dir(settings: Settings, out: Path | None = None) -> Path:
    """Where the reports go: ``out`` when given, else ``[report] out``."""
    return out or Path(settings.section("report")["out"])


def report(
    settings: Settings,
    week_start: dt.date,
    out: Path | None = None,
    *,
    region: str | None = None,
    all_regions: bool = False,
    pdf: bool = False,
    email: bool = False,
    echo: Callable[[str], None] = print,
) -> list[Result]:
    """Write the week's report(s) (see ecoute.reports.run); raises its ``ReportRunError``."""
    from ecoute.reports.run import run_weekly

    return run_weekly(settings, week_start, report_dir(settings, out), region=region,
                      all_regions=all_regions, pdf=pdf, email=email, echo=echo)  # fmt: skip


def deliver(settings: Settings, results: list[Result], echo: Callable[[str], None] = print) -> None:
    """E-mail reports already written; a failure is set on its result's ``error``."""
    from ecoute.reports.run import deliver as deliver_one

    for result in results:
        deliver_one(settings, result, echo=echo)
