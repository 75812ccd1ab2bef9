"""Extract: find each entity's files and prepare one for a single read by DuckDB.

CSV is read by DuckDB as text (every column VARCHAR, so nothing is lost to type guessing), not
materialised: the clean step's SQL reads it straight from ``read_csv``. Rows DuckDB cannot split
(too few or too many fields, broken quoting) come back as rejects with their line. A file that is not valid UTF-8 is re-read after a per-line transcoding (UTF-8, else cp1252),
so a cp1252 export or one with mixed encodings loads without editing. JSON Lines are read a line at
a time so a malformed line is a reject, not a lost row. Parquet is read as is.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ecoute.etl.clean import lit, q
from ecoute.etl.mapping import EntityMapping

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".psv": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}  # fmt: skip


# Maps bytes 0x80-0x9F to 0x80 and every other byte to 0.
_C1 = bytes(0x80 if 0x80 <= b <= 0x9F else 0 for b in range(256))


class ExtractError(ValueError):
    """A file that cannot be read at all."""


@dataclass
class Reject:
    line: int
    reason: str
    record: str


@dataclass
class Source:
    """One file, readable as the relation ``sql`` (text, in file order: a temp table, or for
    CSV the ``read_csv(…)`` call itself), with its column names and the lines the reader
    rejected (known once ``sql`` has been read)."""

    path: Path
    sql: str
    columns: list[str]
    kind: str
    header_lines: int = 0
    has_line: bool = False
    transcoded: bool = False
    rejects_table: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    temp_file: Path | None = None
    types: dict[str, str] = field(default_factory=dict)  # a column's own type, when it has one
    # Once read: the relation of its typed rows, with ``_pos`` their place in file order from 0
    # (etl/pipeline.py).
    typed: str = ""


def file_format(path: Path, mapping: EntityMapping) -> str:
    if mapping.format:
        return mapping.format
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = _EXTENSIONS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise ExtractError(
            f"{path}: cannot tell the format from the name; set `format` in the mapping"
        )
    return fmt


def find_files(directory: Path, entity: str, mapping: EntityMapping) -> list[Path]:
    """The entity's files in name order: the mapping's glob, else ``<entity>.*`` or ``<entity>/``."""
    if mapping.path:
        globs = (mapping.path,) if isinstance(mapping.path, str) else mapping.path
        return sorted({p for g in globs for p in directory.glob(g) if p.is_file()})
    found = [p for p in directory.glob(f"{entity}.*") if p.is_file() and _readable(p)]
    folder = directory / entity
    if folder.is_dir():
        found += [p for p in folder.rglob("*") if p.is_file() and _readable(p)]
    return sorted(found)


def _readable(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in _EXTENSIONS


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: EntityMapping,
    transcode: bool = False,
    plain: Path | None = None,
) -> Source:
    """Prepare one file for a single scan. ``transcode`` forces the per-line UTF-8/cp1252 copy;
    ``plain`` is a gzipped CSV's decompressed copy (see ``Unpacker``), read in its place."""
    fmt = file_format(path, mapping)
    if fmt == "parquet":
        # Read with Parquet's own types: the clean step uses a column that already has its
        # field's type as it is, and prints the others as text (etl/clean.py, ``types``).
        sql = f"read_parquet({lit(str(path))})"
        types = _column_types(con, sql, path)
        return Source(path, sql, list(types), "parquet", types=types)
    if fmt == "jsonl":
        return _jsonl_source(con, path)
    # cp1252 differs from latin-1, which DuckDB reads natively, only in bytes 0x80-0x9F: a
    # cp1252 file without them is read as latin-1; one with them goes through the copy.
    cp1252 = mapping.encoding == "cp1252"
    transcode = transcode or (cp1252 and has_c1_bytes(plain or path))
    return _csv_source(con, path, mapping, transcode, None if transcode else plain)


def has_c1_bytes(path: Path) -> bool:
    """Whether the (possibly gzipped) file holds any byte 0x80-0x9F (~0.3 s for 150 MB)."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as f:
        return any(b"\x80" in chunk.translate(_C1) for chunk in iter(lambda: f.read(1 << 22), b""))


def collect_rejects(con: duckdb.DuckDBPyConnection, source: Source) -> list[Reject]:
    """The lines the CSV reader could not split into fields, once the scan has run."""
    if source.rejects_table is None:
        return source.rejects
    table = source.rejects_table
    rows = con.execute(
        f"select line, string_agg(distinct lower(error_type::varchar), '; ') || ': ' || "
        f"any_value(error_message), any_value(csv_line) from {table} group by line order by line"
    ).fetchall()
    con.execute(f"drop table if exists {table}")
    con.execute(f"drop table if exists {table}_scan")
    source.rejects = [Reject(int(n), _short(r), (text or "")[:2000]) for n, r, text in rows]
    return source.rejects


def needs_transcoding(source: Source, mapping: EntityMapping) -> bool:
    """A UTF-8 read that hit bytes which are not UTF-8: re-read line by line as UTF-8 or cp1252."""
    return (
        source.kind == "csv" and not source.transcoded and mapping.encoding in (None, "utf-8")
        and any(r.reason.startswith("invalid encoding") for r in source.rejects)
    )  # fmt: skip


def _csv_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: EntityMapping,
    transcode: bool,
    plain: Path | None,
) -> Source:
    """The file as a ``read_csv(…)`` call, read once by the clean step; a transcoded copy lives
    until ``release`` is called."""
    temp = _transcode(path) if transcode else None
    target = temp or plain or path
    encoding = "utf-8" if transcode else (mapping.encoding or "utf-8")
    if encoding == "cp1252":
        encoding = "latin-1"  # the file has no byte where the two differ (see open_source)
    options = [
        "all_varchar=true",
        f"header={'true' if mapping.header else 'false'}",
        f"encoding={lit(encoding)}",
        "max_line_size=10000000",
    ]
    if mapping.delimiter:
        options.append(f"delim={lit(mapping.delimiter)}")
    table = "_rejects"
    # Sniffing with store_rejects, like the scan, so a few broken lines do not mislead it.
    scan = (
        f"read_csv({lit(str(target))}, {', '.join(options)}, store_rejects=true, "
        f"rejects_table='{table}', rejects_scan='{table}_scan')"
    )
    try:
        columns = [r[0] for r in con.execute(f"describe select * from {scan}").fetchall()]
    except duckdb.Error as exc:
        release(temp)
        raise ExtractError(f"{path}: cannot read as CSV: {_first_line(exc)}") from exc
    return Source(path, scan, columns, "csv", header_lines=1 if mapping.header else 0,
                  transcoded=transcode, rejects_table=table, temp_file=temp)  # fmt: skip


class Unpacker:
    """Decompresses the gzipped CSV files of a load one file ahead of the reader.

    DuckDB reads a ``.gz`` with one thread (the inflating stream cannot be split), a plain file
    with all of them: inflating in Python (zlib releases the GIL) while DuckDB types the
    previous file lets the read of each week's calls use both cores. Copies are removed by
    ``done`` and ``close``; any error here only means reading the ``.gz`` itself.
    """

    def __init__(self, paths: Sequence[Path | None], folder: str | None = None) -> None:
        """``paths``: the load's files in order, None where no copy is wanted."""
        self._paths = list(paths)
        self._folder = folder or None
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._jobs: dict[int, Future[Path | None]] = {}

    def take(self, index: int) -> Path | None:
        """The decompressed copy of file ``index`` (None: read the file itself); starts the
        next file's decompression."""
        self._start(index)
        self._start(index + 1)
        try:
            return self._jobs[index].result()
        except OSError:
            return None  # a broken .gz: the reader's own error names it

    def done(self, index: int) -> None:
        job = self._jobs.pop(index, None)
        if job is not None and not job.cancel():
            with contextlib.suppress(OSError):
                release(job.result())

    def close(self) -> None:
        for index in list(self._jobs):
            self.done(index)
        self._pool.shutdown(wait=True)

    def _start(self, index: int) -> None:
        if index >= len(self._paths) or index in self._jobs:
            return
        path = self._paths[index]
        self._jobs[index] = self._pool.submit(_gunzip, path, self._folder) if path else _no_copy()


@contextlib.contextmanager
def typed_file(folder: str | None) -> Iterator[Path]:
    """A temporary path for one file's typed rows, removed afterwards whatever happens."""
    fd, name = tempfile.mkstemp(suffix=".parquet", prefix="ecoute-typed-", dir=folder)
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def gzipped_csv(path: Path, mapping: EntityMapping) -> bool:
    return path.suffix.lower() == ".gz" and file_format(path, mapping) == "csv"


def _no_copy() -> Future[Path | None]:
    job: Future[Path | None] = Future()
    job.set_result(None)
    return job


def _gunzip(path: Path, folder: str | None) -> Path:
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="ecoute-gunzip-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 22)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def release(temp: Path | None) -> None:
    """Remove a transcoded copy once it has been read."""
    if temp:
        temp.unlink(missing_ok=True)


def _columns(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> list[str]:
    return list(_column_types(con, sql, path))


def _column_types(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> dict[str, str]:
    try:
        return {r[0]: r[1] for r in con.execute(f"describe select * from {sql}").fetchall()}
    except duckdb.Error as exc:
        raise ExtractError(f"{path}: cannot read: {_first_line(exc)}") from exc


def _jsonl_source(con: duckdb.DuckDBPyConnection, path: Path) -> Source:
    """JSON Lines, a line at a time: a malformed line is a reject with its number, not a lost row."""
    lines = "_jsonl_lines"
    con.execute(
        f"create or replace temp table {lines} as select row_number() over () as _line, line "
        f"from read_csv({lit(str(path))}, columns={{'line': 'varchar'}}, header=false, "
        "delim='\\x1f', quote='', escape='', new_line='\\n', strict_mode=false)"
    )
    valid = "case when json_valid(line) then json_type(line) = 'OBJECT' else false end"
    bad = con.execute(
        f"select _line, line from {lines} where line is not null and trim(line) <> '' "
        f"and not ({valid}) order by _line"
    ).fetchall()
    # Valid lines first, materialised, so no JSON function ever sees a malformed one.
    con.execute(f"delete from {lines} where not coalesce({valid}, false)")
    keys = [r[0] for r in con.execute(
        f"select distinct unnest(json_keys(line)) k from {lines} order by k"
    ).fetchall()]  # fmt: skip
    cols = ", ".join(f"nullif(line ->> {lit(k)}, '') as {q(k)}" for k in keys) or "null as _empty"
    con.execute(
        f"create or replace temp table _src as select _line, {cols} from {lines} order by _line"
    )
    con.execute(f"drop table {lines}")
    rejects = [Reject(n, "not a JSON object", (text or "")[:2000]) for n, text in bad]
    columns = [c for c in _columns(con, "_src", path) if c != "_line"]
    return Source(path, "_src", columns, "jsonl", has_line=True, rejects=rejects)


def _transcode(path: Path) -> Path:
    """A temporary UTF-8 copy of a file, each line decoded as UTF-8 or else as cp1252."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="ecoute-utf8-")
    with os.fdopen(fd, "wb") as out:
        for line in _lines(path):
            out.write(_to_utf8(line))
    return Path(name)


def _lines(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as f:
        yield from f


def _to_utf8(line: bytes) -> bytes:
    try:
        line.decode("utf-8")
        return line
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace").encode("utf-8")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."
