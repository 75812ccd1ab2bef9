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
import tempfile
import time
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ecoute.core.errors import first_line
from ecoute.etl.clean import lit, q
from ecoute.etl.lines import Caps, oversized, resplit
from ecoute.etl.mapping import EntityMapping

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".psv": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}  # fmt: skip


# Maps bytes 0x80-0x9F to 0x80 and every other byte to 0.
_C1 = bytes(0x80 if 0x80 <= b <= 0x9F else 0 for b in range(256))


# The fast read's rejects only tell that the file needs the careful reading, which finds every
# bad line itself: storing a few is enough, and bounds the reject store's memory (each reject
# holds its whole line, and a line with k extra fields makes k of them).
_FAST_REJECTS = 1000


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
    careful: bool = False  # read through etl.lines.resplit: DuckDB saw a clean, numbered copy
    types: dict[str, str] = field(default_factory=dict)  # a column's own type, when it has one
    carry: tuple[str, ...] = ()  # columns beside ``columns`` the typed rows keep as they are
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
    caps: Caps | None = None,
    careful: bool = False,
    folder: str | None = None,
) -> Source:
    """Prepare one file for a single scan. ``transcode`` forces the per-line UTF-8/cp1252 copy;
    ``plain`` is a gzipped CSV's decompressed copy (see ``Unpacker``), read in its place.

    A CSV goes to DuckDB as it is (the fast path) unless ``careful`` is asked, a line is over
    the ``caps`` or DuckDB's sniffer cannot read it: then through ``etl.lines.resplit``."""
    caps = caps or Caps()
    fmt = file_format(path, mapping)
    if fmt == "parquet":
        # Read with Parquet's own types: the clean step uses a column that already has its
        # field's type as it is, and prints the others as text (etl/clean.py, ``types``).
        sql = f"read_parquet({lit(str(path))})"
        types = _column_types(con, sql, path)
        return Source(path, sql, list(types), "parquet", types=types)
    if fmt == "jsonl":
        return _jsonl_source(con, path, caps, folder)
    target = plain or path
    if careful or oversized(target, caps.max_line_bytes, caps.max_fields):
        return _careful_source(con, path, mapping, target, caps, folder)
    # cp1252 differs from latin-1, which DuckDB reads natively, only in bytes 0x80-0x9F: a
    # cp1252 file without them is read as latin-1; one with them goes through the copy.
    cp1252 = mapping.encoding == "cp1252"
    transcode = transcode or (cp1252 and has_c1_bytes(plain or path))
    try:
        return _csv_source(con, path, mapping, transcode, None if transcode else plain)
    except ExtractError:  # e.g. CRLF and LF mixed: "Error when sniffing file"
        return _careful_source(con, path, mapping, target, caps, folder)


def _careful_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: EntityMapping,
    target: Path,
    caps: Caps,
    folder: str | None,
) -> Source:
    """The file re-split line by line (etl.lines): what cannot be a record is a reject with its
    physical line; DuckDB reads the clean copy, each record with the line it started on."""
    try:
        split = resplit(target, caps, delimiter=mapping.delimiter, encoding=mapping.encoding,
                        header=mapping.header, folder=folder)  # fmt: skip
    except (OSError, EOFError) as exc:
        raise ExtractError(f"{path}: cannot read: {first_line(exc)}") from exc
    if not split.columns:
        release(split.path)
        return _empty_source(con, path)
    struct = ", ".join(f"{lit(c)}: 'VARCHAR'" for c in split.columns)
    table = "_rejects"
    scan = (
        f"read_csv({lit(str(split.path))}, columns={{'_line': 'BIGINT', {struct}}}, header=false, "
        f"delim=',', quote='\"', escape='\"', new_line='\\n', "
        f"max_line_size={2 * caps.max_line_bytes + 1024}, store_rejects=true, "
        f"rejects_table='{table}', rejects_scan='{table}_scan')"
    )
    rejects = [Reject(b.first, b.reason, b.record[:2000]) for b in split.bad]
    return Source(path, scan, list(split.columns), "csv", header_lines=int(mapping.header),
                  has_line=True, transcoded=split.transcoded, rejects_table=table,
                  rejects=rejects, temp_file=split.path, careful=True)  # fmt: skip


def _empty_source(con: duckdb.DuckDBPyConnection, path: Path) -> Source:
    """A file without a single line: no columns, no rows (the pipeline warns about it)."""
    return Source(path, "(select 1 as _line where false)", [], "empty", has_line=True)


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
    found = [Reject(_line_of(source, n, text), _short(r), (text or "")[:2000]) for n, r, text in rows]
    source.rejects = sorted([*source.rejects, *found], key=lambda r: r.line)
    return source.rejects


def _line_of(source: Source, line: int, text: str | None) -> int:
    """A reject's physical line: in a careful copy, the number its record carries."""
    if not source.careful:
        return int(line)
    head = (text or "").split(",", 1)[0]
    return int(head) if head.isdigit() else int(line)


def needs_care(source: Source) -> bool:
    """A fast read that rejected lines: read again carefully, so the rejects cost only
    themselves (a stray quote, a wrong guess of the sniffer) and keep their physical lines."""
    return source.kind == "csv" and not source.careful and bool(source.rejects)


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
        f"rejects_table='{table}', rejects_scan='{table}_scan', rejects_limit={_FAST_REJECTS})"
    )
    try:
        # On a cursor of its own: a failed sniff must not abort the load's transaction, the
        # careful reading takes over (etl.lines).
        with con.cursor() as sniff:
            columns = [r[0] for r in sniff.execute(f"describe select * from {scan}").fetchall()]
    except duckdb.Error as exc:
        release(temp)
        raise ExtractError(f"{path}: cannot read as CSV: {first_line(exc)}") from exc
    return Source(path, scan, columns, "csv", header_lines=1 if mapping.header else 0,
                  transcoded=transcode, rejects_table=table, temp_file=temp)  # fmt: skip


class Unpacker:
    """Decompresses the gzipped CSV files of a load one file ahead of the reader.

    DuckDB reads a ``.gz`` with one thread (the inflating stream cannot be split), a plain file
    with all of them: inflating in Python (zlib releases the GIL) while DuckDB types the
    previous file lets the read of each week's calls use both cores. Copies are removed by
    ``done`` and ``close``; any error here only means reading the ``.gz`` itself.
    """

    def __init__(
        self, paths: Sequence[Path | None], folder: str | None = None, caps: Caps | None = None
    ) -> None:
        """``paths``: the load's files in order, None where no copy is wanted."""
        self._paths = list(paths)
        self._folder = folder or None
        self._caps = caps or Caps()
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
        job = self._pool.submit(_gunzip, path, self._folder, self._caps) if path else _no_copy()
        self._jobs[index] = job


@contextlib.contextmanager
def typed_file(folder: str | None) -> Iterator[Path]:
    """A temporary path for one file's typed rows, removed afterwards whatever happens."""
    fd, name = tempfile.mkstemp(suffix=".parquet", prefix=_prefix("typed"), dir=folder)
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


def _gunzip(path: Path, folder: str | None, caps: Caps) -> Path:
    """The decompressed copy, at most ``gunzip_max_bytes`` (and ``gunzip_max_ratio`` times the
    compressed size, at least 64 MB): a gzip bomb stops there instead of filling the disk."""
    cap = min(caps.gunzip_max_bytes, max(64 << 20, int(caps.gunzip_max_ratio * path.stat().st_size)))
    fd, name = tempfile.mkstemp(suffix=".csv", prefix=_prefix("gunzip"), dir=folder)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as src:
            while chunk := src.read(1 << 22):
                written += len(chunk)
                if written > cap:
                    raise ExtractError(
                        f"{path}: decompresses to more than {cap >> 20} MB; refused as a possible "
                        "gzip bomb ([load] gunzip_max_mb, gunzip_max_ratio)"
                    )
                out.write(chunk)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        os.unlink(name)
        raise ExtractError(f"{path}: truncated or corrupt gzip: {first_line(exc)}") from exc
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _prefix(kind: str) -> str:
    """Temporary files carry their process id, so a later start can tell a crashed load's
    leftovers (``remove_stale_temp_files``) from a running one's."""
    return f"ecoute-{kind}-{os.getpid()}-"


def remove_stale_temp_files(folders: Sequence[str | None]) -> list[Path]:
    """Remove the temporary copies a killed load left (its process no longer runs); files of
    the old unnumbered kind only once a day old. Returns what was removed."""
    removed = []
    for folder in {f or tempfile.gettempdir() for f in folders}:
        for p in Path(folder).glob("ecoute-*-*"):
            if p.is_file() and _stale(p):
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
    return removed


_KINDS = ("gunzip", "typed", "utf8", "resplit")


def _stale(p: Path) -> bool:
    parts = p.name.split("-")
    if len(parts) < 3 or parts[1] not in _KINDS:
        return False
    if parts[2].isdigit() and len(parts) > 3:
        return not _alive(int(parts[2]))
    return time.time() - p.stat().st_mtime > 86400


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        raise ExtractError(f"{path}: cannot read: {first_line(exc)}") from exc


def _jsonl_source(
    con: duckdb.DuckDBPyConnection, path: Path, caps: Caps, folder: str | None
) -> Source:
    """JSON Lines, a line at a time: a malformed line is a reject with its number, not a lost row.

    A line over ``max_json_line_bytes`` never reaches DuckDB (a copy holds a placeholder in its
    place); a line repeating a key is a reject too (which value would be meant?)."""
    long: dict[int, str] = {}
    target = path
    if oversized(path, caps.max_json_line_bytes, caps.max_json_line_bytes):
        target, long = _without_long_lines(path, caps.max_json_line_bytes, folder)
    lines = "_jsonl_lines"
    try:
        con.execute(
            f"create or replace temp table {lines} as select row_number() over () as _line, line "
            f"from {lines_sql(target, caps.max_json_line_bytes + 1024)}"
        )
    except duckdb.Error as exc:
        raise ExtractError(f"{path}: cannot read as JSON Lines: {first_line(exc)}") from exc
    finally:
        if target != path:
            release(target)
    valid = ("case when json_valid(line) then json_type(line) = 'OBJECT' "
             "and len(json_keys(line)) = len(list_distinct(json_keys(line))) else false end")  # fmt: skip
    why = ("case when json_valid(line) and json_type(line) = 'OBJECT' "
           "then 'a key appears twice in the object' else 'not a JSON object' end")  # fmt: skip
    bad = con.execute(
        f"select _line, {why}, left(line, 2000) from {lines} where line is not null "
        f"and trim(line) <> '' and not ({valid}) order by _line"
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
    rejects = [Reject(n, f"line longer than {caps.max_json_line_bytes} bytes "
                      "([load] max_json_line_bytes)", long[n]) if n in long
               else Reject(n, reason, text or "") for n, reason, text in bad]  # fmt: skip
    columns = [c for c in _columns(con, "_src", path) if c != "_line"]
    return Source(path, "_src", columns, "jsonl", has_line=True, rejects=rejects)


def _without_long_lines(path: Path, cap: int, folder: str | None) -> tuple[Path, dict[int, str]]:
    """A copy with each line over ``cap`` bytes replaced by a placeholder that is not an
    object; the replaced lines' numbers and heads."""
    fd, name = tempfile.mkstemp(suffix=".jsonl", prefix=_prefix("resplit"), dir=folder)
    long: dict[int, str] = {}
    with os.fdopen(fd, "wb") as out, _open_bytes(path) as src:
        number = 0
        while line := src.readline(cap + 2):
            number += 1
            if len(line) > cap + 1 or (len(line) > cap and not line.endswith(b"\n")):
                head = line[:2000].decode("utf-8", errors="replace")
                while not line.endswith(b"\n") and (line := src.readline(1 << 20)):
                    pass
                long[number] = head
                line = b'"line too long"\n'
            out.write(line)
    return Path(name), long


def _open_bytes(path: Path):  # noqa: ANN202 - a binary file object
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def _transcode(path: Path) -> Path:
    """A temporary UTF-8 copy of a file, each line decoded as UTF-8 or else as cp1252."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix=_prefix("utf8"))
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


def lines_sql(path: Path, max_line_size: int | None = None) -> str:
    """The file's lines as text, ``line``, in order: no delimiter, quote or escape, so a line is
    never split or joined at a quote (JSON Lines read line by line)."""
    size = "" if max_line_size is None else f", max_line_size={max_line_size}"
    return (f"read_csv({lit(str(path))}, columns={{'line': 'varchar'}}, header=false, "
            f"delim='\\x1f', quote='', escape='', new_line='\\n', strict_mode=false{size})")  # fmt: skip


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."
