"""One load: every entity's files in a folder, extract → clean → load, in one transaction.

Either the whole load commits (rows, quarantine, accounting, and whatever the caller's ``gate``
and ``build`` wrote) or nothing does: a failure, a closed gate or a ``kill -9`` leaves the
warehouse as it was. The load knows neither the quality suites nor the models: the caller
passes them in as callables run inside its transaction (``ecoute.jobs.load`` wires the
expectations and the warehouse build), so this layer imports nothing above it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from ecoute.core.db import connect
from ecoute.core.errors import first_line
from ecoute.core.settings import Settings
from ecoute.etl import SOURCES
from ecoute.etl.clean import CleanError, bind, clean_sql, lit
from ecoute.etl.contract import Bounds, Entity
from ecoute.etl.extract import (
    ExtractError,
    Source,
    Unpacker,
    collect_rejects,
    find_files,
    gzipped_csv,
    needs_care,
    open_source,
    release,
    remove_stale_temp_files,
    sha256_of,
    typed_file,
)
from ecoute.etl.lines import Caps
from ecoute.etl.load import mask_rejects, merge, quarantine
from ecoute.etl.mapping import EntityMapping, Mapping, MappingError, load_mapping
from ecoute.etl.schema import create_raw_tables
from ecoute.etl.shape import (
    fast_source,
    is_shaped,
    read_whole,
    record_superseded,
    set_aside_typed,
    shaped_source,
)

Progress = Callable[[str, dict[str, Any]], None]


class Checks(Protocol):
    """What a gate returns: results that can be written down (after a rollback too)."""

    def record(self, con: duckdb.DuckDBPyConnection) -> None: ...


# Run on the load's connection inside its open transaction, after the rows are merged:
# gate(con, load_id, entities) checks the batch (raising GateClosed to abort the load);
# build(con) rebuilds what depends on the rows and says how, in words.
Gate = Callable[[duckdb.DuckDBPyConnection, int, list[str]], Checks]
Build = Callable[[duckdb.DuckDBPyConnection], str]


class LoadError(RuntimeError):
    """The load could not complete; nothing was changed."""


class GateClosed(RuntimeError):
    """A gate's blocking failure: the load rolls back, then ``checks`` is recorded with its id."""

    def __init__(self, checks: Checks, message: str) -> None:
        super().__init__(message)
        self.checks = checks


@dataclass
class FileResult:
    entity: str
    path: str
    sha256: str
    bytes: int
    status: str = "loaded"  # loaded | skipped | empty
    read: int = 0
    loaded: int = 0
    updated: int = 0
    quarantined: int = 0
    duplicate: int = 0
    superseded: int = 0  # older versions of a record (etl/shape.py), kept in meta.superseded
    seconds: float = 0.0
    note: str = ""

    @property
    def balanced(self) -> bool:
        return self.read == self.loaded + self.quarantined + self.duplicate + self.superseded


@dataclass
class LoadResult:
    load_id: int
    status: str
    files: list[FileResult] = field(default_factory=list)
    message: str = ""
    checks: Any = None
    build: str = ""  # how the models were rebuilt: incremental (N customers) or full (why)
    # What an operator should read even though the load completed: files that match no entity,
    # empty or header-only files (one line each, naming the file).
    warnings: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)


def _quiet(event: str, info: dict[str, Any]) -> None:
    pass


def run_load(
    settings: Settings,
    directory: Path,
    mapping_path: Path | None = None,
    *,
    force: bool = False,
    gate: Gate | None = None,
    build: Build | None = None,
    progress: Progress = _quiet,
) -> LoadResult:
    """Load every entity file found in ``directory``; raises ``LoadError`` with a one-line reason.

    ``gate`` then checks the batch and ``build`` rebuilds the models, both in the load's
    transaction (none when not given: a pure load)."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: not a folder")
    mapping = load_mapping(mapping_path) if mapping_path else Mapping()
    _check_pii_key(settings, mapping)
    plan = [
        (e, p)
        for name, e in SOURCES.items()
        for p in find_files(directory, name, mapping.for_entity(name))
    ]
    if not plan:
        raise LoadError(
            f"{directory}: no entity files found (expected e.g. calls.csv, tickets/, customers.parquet)"
        )
    warnings = _unmatched(directory, {p for _, p in plan})
    con = connect(settings)
    try:
        # Only now, holding the warehouse: a crashed load's copies are no longer in use.
        remove_stale_temp_files([settings.section("warehouse")["temp_directory"] or None, None])
        steps = _Steps(gate, build)
        result = _load(con, settings, directory, mapping, plan, force, steps, progress)
    finally:
        con.close()
    result.warnings[:0] = warnings
    return result


DEFAULT_PII_KEY = "change-me"


def _check_pii_key(settings: Settings, mapping: Mapping) -> None:
    """Refuse the default or an empty key: with it, a phone number's hash is a dictionary
    lookup away. The demo's mapping says its data are synthetic (``demo: true``)."""
    key = str(settings.etl.get("pii_key") or "").strip()
    if key in ("", DEFAULT_PII_KEY) and not mapping.demo:
        raise LoadError(
            "[etl] pii_key is the default or empty: set a long random secret in ecoute.toml "
            "([etl] pii_key) or ECOUTE__ETL__PII_KEY (docs/data-contract.md, personal data)"
        )


def _unmatched(directory: Path, planned: set[Path]) -> list[str]:
    """Files and folders at the top of the folder that no entity reads (e.g. ``call.csv``)."""
    names = ", ".join(f"{n}.csv" for n in SOURCES)
    out = []
    for p in sorted(directory.iterdir()):
        if p.name.startswith(".") or p in planned:
            continue
        if p.is_dir() and p.name in SOURCES:
            continue
        if p.is_dir() and any(q.is_relative_to(p) for q in planned):
            continue
        out.append(f"{p}: matches no entity, not loaded (expected names such as {names})")
    return out


def _load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    directory: Path,
    mapping: Mapping,
    plan: list[tuple[Entity, Path]],
    force: bool,
    steps: _Steps,
    progress: Progress,
) -> LoadResult:
    create_raw_tables(con)
    _set_pii_key(con, settings)
    load_id = con.execute("select coalesce(max(load_id), 0) + 1 from meta.loads").fetchone()[0]
    mapping_tag = _mapping_tag(mapping)
    result = LoadResult(load_id, "running")
    con.begin()
    try:
        con.execute(bind(
            "insert into meta.loads (load_id, started_at, status, source, mapping) "
            "values (?, now(), 'running', ?, ?)",
            [load_id, str(directory), mapping_tag],
        ))  # fmt: skip
        tz = mapping.timezone or settings.etl["timezone"]
        temp_dir = settings.section("warehouse")["temp_directory"] or None
        limits = settings.load
        files = _FileContext(mapping, tz, load_id, mapping_tag, force, progress, temp_dir,
                             bounds_of(limits, dt.datetime.now(dt.UTC)), caps_of(limits),
                             str(settings.etl["pii_key"]))  # fmt: skip
        with contextlib.closing(_unpacker(files, plan)) as unpacker:
            for i, (entity, path) in enumerate(plan):
                fr = _load_file(con, entity, path, files, unpacker.take(i))
                unpacker.done(i)
                result.files.append(fr)
                result.warnings += _file_warnings(fr)
                _check_share(con, fr, load_id, limits)
                _record_file(con, load_id, fr)
        if steps.gate:
            result.checks = steps.gate(con, load_id, sorted({e.name for e, _ in plan}))
        if steps.build:
            progress("stage", {"stage": "building models"})
            result.build = steps.build(con)
        _finish(con, result, "completed", "")
        con.commit()
    except BaseException as exc:
        con.rollback()
        message = first_line(exc)
        if isinstance(exc, GateClosed):
            result.checks = exc.checks
        result.status, result.message = "failed", message
        # Keep the original reason, not the bookkeeping's, if recording the failure fails too.
        with contextlib.suppress(duckdb.Error):
            _record_failure(con, result, directory, mapping_tag)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise LoadError(message) from exc
    return result


@dataclass(frozen=True)
class _Steps:
    """What runs after the rows are merged, inside the load's transaction."""

    gate: Gate | None
    build: Build | None


@dataclass(frozen=True)
class _FileContext:
    """What every file of one load is read with."""

    mapping: Mapping
    tz: str
    load_id: int
    mapping_tag: str
    force: bool
    progress: Progress
    temp_dir: str | None  # where decompressed and typed copies of a file wait
    bounds: Bounds
    caps: Caps
    pii_key: str


def bounds_of(limits: dict[str, Any], now: dt.datetime) -> Bounds:
    """The ``[load]`` bounds as of ``now`` (the load's start)."""
    latest = now + dt.timedelta(days=float(limits.get("instant_max_future_days", 366)))
    amount = float(limits.get("amount_max", 1_000_000))
    return Bounds(
        ts_min=str(limits.get("instant_min", "1990-01-01")),
        ts_max=latest.strftime("%Y-%m-%d %H:%M:%S+00"),
        date_min=str(limits.get("date_min", "1900-01-01")),
        date_max=latest.strftime("%Y-%m-%d"),
        int_max=int(limits.get("int_max", 100_000_000)),
        decimal_min=-amount,
        decimal_max=amount,
        durations=(
            ("calls", "ended_at", "started_at", float(limits.get("max_call_hours", 24))),
            ("appointments", "window_end", "window_start",
             float(limits.get("max_visit_window_hours", 72))),
            ("outages", "ended_at", "started_at", 24 * float(limits.get("max_outage_days", 366))),
            *(("tickets", end, "opened_at", 24 * float(limits.get("max_ticket_days", 731)))
              for end in ("restored_at", "resolved_at", "closed_at")),
        ),
    )  # fmt: skip


def caps_of(limits: dict[str, Any]) -> Caps:
    return Caps(
        max_line_bytes=int(limits.get("max_line_bytes", 1 << 20)),
        max_fields=int(limits.get("max_fields", 1000)),
        max_json_line_bytes=int(limits.get("max_json_line_bytes", 1 << 20)),
        gunzip_max_bytes=int(float(limits.get("gunzip_max_mb", 8192)) * (1 << 20)),
        gunzip_max_ratio=float(limits.get("gunzip_max_ratio", 200)),
    )


def _file_warnings(fr: FileResult) -> list[str]:
    if fr.status == "empty":
        return [f"{fr.path}: empty file, nothing loaded"]
    if fr.status == "loaded" and fr.read == 0:
        return [f"{fr.path}: no rows (header only), nothing loaded"]
    return []


def _check_share(
    con: duckdb.DuckDBPyConnection, fr: FileResult, load_id: int, limits: dict[str, Any]
) -> None:
    """Fail the load (it rolls back) when a file's quarantined share is abnormal: a mapping
    typo or the wrong file quarantines most rows, and a green load would hide it."""
    share = float(limits.get("max_quarantined_share", 0.2))
    if fr.read < int(limits.get("share_min_rows", 50)) or fr.quarantined <= share * fr.read:
        return
    top = con.execute(bind(
        "select field, reason, count(*) n from meta.quarantine where load_id = ? and "
        "source_file = ? group by all order by n desc, field limit 3",
        [load_id, fr.path],
    )).fetchall()  # fmt: skip
    reasons = "; ".join(f"{n:,} × {_cut(why)}" for _, why, n in top)
    raise LoadError(
        f"{fr.path}: {fr.quarantined:,} of {fr.read:,} rows quarantined "
        f"({fr.quarantined / fr.read:.0%} > [load] max_quarantined_share {share:.0%}); "
        f"top reasons: {reasons}"
    )


def _cut(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."


def _unpacker(ctx: _FileContext, plan: list[tuple[Entity, Path]]) -> Unpacker:
    gz = [p if gzipped_csv(p, ctx.mapping.for_entity(e.name)) else None for e, p in plan]
    return Unpacker(gz, ctx.temp_dir, ctx.caps)


def _load_file(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    path: Path,
    ctx: _FileContext,
    plain: Path | None,
) -> FileResult:
    t0 = time.time()
    fr = FileResult(entity.name, str(path), "", path.stat().st_size)
    ctx.progress(
        "file_start", {"entity": entity.name, "path": str(path), "bytes": fr.bytes, "con": con}
    )
    em = ctx.mapping.for_entity(entity.name)
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, path)
        if _identical_loaded(con, fr, digest, ctx):
            fr.status = "skipped"
            ctx.progress("file_done", {"result": fr})
            return fr
        if fr.bytes == 0 or (plain is not None and plain.stat().st_size == 0):
            fr.status, fr.sha256 = "empty", digest.result()
            ctx.progress("file_done", {"result": fr})
            return fr
        # A gzipped file keeps the temp table: see _typed_to_parquet.
        spill = typed_file(ctx.temp_dir) if plain is None else contextlib.nullcontext()
        with spill as typed:
            try:
                source = _scan(con, entity, path, em, ctx, plain, typed)
            except (ExtractError, CleanError) as exc:
                raise LoadError(f"{path}: {exc}") from exc
            fr.sha256 = digest.result()
            if source.kind == "empty":
                fr.status = "empty"
                ctx.progress("file_done", {"result": fr})
                return fr
            _merge_rows(con, entity, source, fr, ctx)
    fr.seconds = time.time() - t0
    if em.encoding == "cp1252":
        fr.note = "cp1252"
    elif source.transcoded:
        fr.note = "not valid UTF-8: lines read as cp1252"
    for table in ("_typed", "_typed_lines", "_src"):
        con.execute(f"drop table if exists {table}")
    if not fr.balanced:  # an accounting bug must never pass silently
        raise LoadError(f"{path}: accounting does not balance: {fr}")
    ctx.progress("file_done", {"result": fr})
    return fr


def _identical_loaded(
    con: duckdb.DuckDBPyConnection, fr: FileResult, digest: Future[str], ctx: _FileContext
) -> bool:
    """Whether this very file was loaded before (then ``fr`` says by which load).

    Only a file the size of one already loaded can be identical to it: for any other file the
    hash runs beside DuckDB's read (hashlib releases the GIL) instead of before it."""
    if ctx.force or not _size_loaded(con, fr.entity, fr.bytes, ctx.mapping_tag):
        return False
    fr.sha256 = digest.result()
    previous = _already_loaded(con, fr.entity, fr.sha256, ctx.mapping_tag)
    if previous:
        fr.note = f"identical file already loaded in load {previous}"
    return bool(previous)


def _merge_rows(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    source: Source,
    fr: FileResult,
    ctx: _FileContext,
) -> None:
    """Quarantine the typed rows that broke a rule, merge the others; fill ``fr``'s counts."""
    ctx.progress("stage", {"stage": "checking rows"})
    rows = _rows(con, source)
    fr.superseded = record_superseded(con, source, ctx.load_id, entity.name, fr.path)
    fr.read = _count(con, source.typed) + len(source.rejects) + fr.superseded
    header = source.columns if source.kind == "csv" else []  # fields by position: CSV only
    masked = mask_rejects(source.rejects, ctx.pii_key, header, em_of(ctx, entity))
    fr.quarantined = quarantine(con, entity, ctx.load_id, fr.path, rows, masked)
    ctx.progress("stage", {"stage": "merging"})
    counts = merge(con, entity, rows, ctx.load_id, fr.path)
    fr.loaded, fr.updated, fr.duplicate = counts.loaded, counts.updated, counts.duplicate


def em_of(ctx: _FileContext, entity: Entity) -> EntityMapping:
    return ctx.mapping.for_entity(entity.name)


def _scan(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    path: Path,
    em: EntityMapping,
    ctx: _FileContext,
    plain: Path | None,
    typed: Path | None,
) -> Source:
    """Read the file once, typing and checking it on the way, into the Parquet file ``typed``,
    else the temp table ``_typed``. Nested JSON and record versions are flattened in SQL first
    (etl/shape.py). A CSV whose fast read rejected lines is read again carefully (etl.lines): a
    stray quote then costs one record, and a line that is not UTF-8 is read as cp1252.
    ``plain``: a gzipped CSV's decompressed copy."""
    if is_shaped(em, path):
        # A clean JSON Lines file goes through DuckDB's JSON reader straight into the typed
        # rows; anything the fast reading cannot vouch for is read again carefully.
        fast = fast_source(con, path, em) if typed is not None else None
        if fast is not None:
            _type_rows(con, entity, fast, em, ctx, typed)
            if read_whole(con, fast):
                set_aside_typed(con, fast, entity, em)
                return fast
        try:
            shaped = shaped_source(con, path, entity, em)
        except MappingError as exc:
            raise LoadError(f"{path}: {exc}") from exc
        _type_rows(con, entity, shaped, em, ctx, typed)
        return shaped
    opened = {"plain": plain, "caps": ctx.caps, "folder": ctx.temp_dir}
    source = open_source(con, path, em, **opened)
    if source.kind == "empty":
        return source
    _type_rows(con, entity, source, em, ctx, typed)
    if needs_care(source):
        source = open_source(con, path, em, careful=True, **opened)
        _type_rows(con, entity, source, em, ctx, typed)
    return source


def _type_rows(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    source: Source,
    em: EntityMapping,
    ctx: _FileContext,
    typed: Path | None,
) -> None:
    try:
        sql = clean_sql(entity, em, source.columns, ctx.tz, source.sql, source.has_line,
                        source.types, ctx.bounds, source.carry)  # fmt: skip
        if typed is not None:
            _typed_to_parquet(con, sql.typed, source, typed)
        else:
            con.execute(f"create or replace temp table _typed as {sql.typed}")
            # Inside a transaction a temp table's rowids start at some base, not 0.
            base = con.execute("select coalesce(min(rowid), 0) from _typed").fetchone()[0]
            source.typed = f"(select rowid - {int(base)} as _pos, * from _typed)"
    except duckdb.Error as exc:
        raise LoadError(f"{source.path}: cannot read or map: {first_line(exc)}") from exc
    finally:
        release(source.temp_file)
    collect_rejects(con, source)


def _typed_to_parquet(
    con: duckdb.DuckDBPyConnection, sql: str, source: Source, typed: Path
) -> None:
    """The typed rows go to a Parquet file, not a temp table, unless the file was gzipped.

    DuckDB scans what a transaction wrote itself with one thread, so the insert into raw from a
    temp table made in the load's transaction is single-threaded; from this file it is parallel:
    4.1 million Parquet tickets 9.7 → 7.1 s, 5 million CSV calls 14.0 → 11.4 s. A gzipped file
    keeps the temp table: its single-threaded insert leaves the other core to inflating the
    next file (etl.extract.Unpacker), and through a file the same 11 weeks of calls took 23.3 to
    24.3 s instead of 22.3 s."""
    con.execute(f"copy ({sql}) to {lit(str(typed))} (format parquet, compression uncompressed)")
    source.typed = (f"(select file_row_number as _pos, * exclude (file_row_number) "
                    f"from read_parquet({lit(str(typed))}, file_row_number=true))")  # fmt: skip


def _rows(con: duckdb.DuckDBPyConnection, source: Source) -> str:
    """SQL for the typed rows with their position ``_ord`` (1, 2, … in file order) and their
    line in the file ``_ln``.

    The typed rows were written in file order, so a row's position is its ``_pos`` plus one.
    A row's line is its position plus the header — plus, when the reader rejected lines, the
    rejected lines before it. A quoted field holding a newline makes physical lines drift from
    this count; docs/data-contract.md says so.
    """
    ordered = f"(select _pos + 1 as _ord, * exclude (_pos) from {source.typed})"
    if source.has_line:
        return f"(select *, _line as _ln from {ordered})"
    if not source.rejects:
        return f"(select *, _ord + {source.header_lines} as _ln from {ordered})"
    shifts = {1: source.header_lines}
    for i, r in enumerate(source.rejects):
        # The next accepted record has position (line - header - rejects before this one).
        shifts[r.line - source.header_lines - i] = source.header_lines + i + 1
    values = ", ".join(f"({k}, {v})" for k, v in shifts.items())
    con.execute(
        "create or replace temp table _typed_lines as select t.*, t._ord + s.shift as _ln "
        f"from {ordered} t asof join (values {values}) s(from_ord, shift) on t._ord >= s.from_ord "
        "order by t._ord"
    )
    return "_typed_lines"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def _set_pii_key(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    con.execute(bind("set variable pii_key = ?", [str(settings.etl["pii_key"])]))
    con.execute(
        "create or replace temp macro pii_hash(v) as case when v is null then null "
        "else sha256(getvariable('pii_key') || '|' || case when v like '%@%' then lower(trim(v)) "
        "else regexp_replace(v, '[^0-9+]+', '', 'g') end) end"
    )


def _mapping_tag(mapping: Mapping) -> str:
    text = repr(mapping.entities) + repr(mapping.timezone)
    return f"{mapping.name}@{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _size_loaded(con: duckdb.DuckDBPyConnection, entity: str, size: int, tag: str) -> bool:
    return con.execute(bind(
        "select exists (select 1 from meta.load_files f join meta.loads l using (load_id) "
        "where f.entity = ? and f.bytes = ? and f.status = 'loaded' and l.status = 'completed' "
        "and l.mapping = ?)",
        [entity, size, tag],
    )).fetchone()[0]  # fmt: skip


def _already_loaded(con: duckdb.DuckDBPyConnection, entity: str, sha: str, tag: str) -> int | None:
    row = con.execute(bind(
        "select max(f.load_id) from meta.load_files f join meta.loads l using (load_id) "
        "where f.entity = ? and f.sha256 = ? and f.status = 'loaded' and l.status = 'completed' "
        "and l.mapping = ?",
        [entity, sha, tag],
    )).fetchone()  # fmt: skip
    return row[0] if row else None


def _record_file(con: duckdb.DuckDBPyConnection, load_id: int, fr: FileResult) -> None:
    con.execute(bind(
        "insert into meta.load_files (load_id, entity, path, sha256, bytes, status, rows_read, "
        "rows_loaded, rows_updated, rows_quarantined, rows_duplicate, seconds, rows_superseded) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, fr.entity, fr.path, fr.sha256, fr.bytes, fr.status, fr.read, fr.loaded,
         fr.updated, fr.quarantined, fr.duplicate, round(fr.seconds, 3), fr.superseded],
    ))  # fmt: skip


def _finish(con: duckdb.DuckDBPyConnection, result: LoadResult, status: str, message: str) -> None:
    result.status, result.message = status, message
    con.execute(bind(
        "update meta.loads set finished_at = now(), status = ?, message = ?, rows_read = ?, "
        "rows_loaded = ?, rows_updated = ?, rows_quarantined = ?, rows_duplicate = ?, "
        "rows_superseded = ? where load_id = ?",
        [status, message, result.total("read"), result.total("loaded"), result.total("updated"),
         result.total("quarantined"), result.total("duplicate"), result.total("superseded"),
         result.load_id],
    ))  # fmt: skip


def _record_failure(
    con: duckdb.DuckDBPyConnection, result: LoadResult, directory: Path, tag: str
) -> None:
    """After the rollback, keep a trace of the failed attempt (and its check results)."""
    con.begin()
    con.execute(bind(
        "insert into meta.loads (load_id, started_at, finished_at, status, source, mapping, message) "
        "values (?, now(), now(), 'failed', ?, ?, ?)",
        [result.load_id, str(directory), tag, result.message],
    ))  # fmt: skip
    if result.checks is not None:
        result.checks.record(con)
    con.commit()


__all__ = [
    "Build", "Checks", "FileResult", "Gate", "GateClosed", "LoadError", "LoadResult", "run_load",
    "lit",
]  # fmt: skip
