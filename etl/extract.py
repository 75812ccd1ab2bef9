"""Extract: find each entity's files and read one into a DuckDB table with its line numbers.

CSV is read by DuckDB as text (every column VARCHAR, so nothing is lost to type guessing); rows
DuckDB cannot split (too few or too many fields, broken quoting) come back as rejects with their
line. A file that is not valid UTF-8 is re-read after a per-line transcoding (UTF-8, else cp1252),
so a cp1252 export or one with mixed encodings loads without editing. JSON Lines are read a line at
a time so a malformed line is a reject, not a lost row. Parquet is read as is.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.clean import lit, q
from etl.mapping import EntityMapping

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".psv": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}  # fmt: skip


class ExtractError(ValueError):
    """A file that cannot be read at all."""


@dataclass
class Reject:
    line: int
    reason: str
    record: str


@dataclass
class ReadResult:
    """What one file gave: ``rows`` rows in ``table`` (with ``_ord`` and ``_line``), plus rejects."""

    table: str
    columns: list[str]
    rows: int
    rejects: list[Reject] = field(default_factory=list)
    transcoded: bool = False


def file_format(path: Path, mapping: EntityMapping) -> str:
    if mapping.format:
        return mapping.format
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = _EXTENSIONS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise ExtractError(f"{path}: cannot tell the format from the name; set `format` in the mapping")
    return fmt


def find_files(directory: Path, entity: str, mapping: EntityMapping) -> list[Path]:
    """The entity's files in name order: the mapping's glob, else ``<entity>.*`` or ``<entity>/``."""
    if mapping.path:
        return sorted(p for p in directory.glob(mapping.path) if p.is_file())
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


def read_file(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: EntityMapping, table: str
) -> ReadResult:
    """Read one file into temp table ``table``."""
    fmt = file_format(path, mapping)
    if fmt == "parquet":
        return _read_parquet(con, path, table)
    if fmt == "jsonl":
        return _read_jsonl(con, path, table)
    return _read_csv(con, path, mapping, table)


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    con.execute(
        f"create or replace temp table {table} as select row_number() over () as _ord, "
        f"row_number() over () as _line, columns(*)::varchar from read_parquet({lit(str(path))})"
    )
    return _result(con, table, [])


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    lines = f"_{table}_lines"
    con.execute(
        f"create or replace temp table {lines} as select row_number() over () as _line, line "
        f"from read_csv({lit(str(path))}, columns={{'line': 'varchar'}}, header=false, "
        "delim='\\x1f', quote='', escape='', new_line='\\n', strict_mode=false)"
    )
    bad = con.execute(
        f"select _line, line from {lines} where line is not null and trim(line) <> '' "
        "and (not json_valid(line) or json_type(line) <> 'OBJECT') order by _line"
    ).fetchall()
    keys = [r[0] for r in con.execute(
        f"select distinct unnest(json_keys(line)) k from {lines} "
        "where json_valid(line) and json_type(line) = 'OBJECT' order by k"
    ).fetchall()]  # fmt: skip
    cols = ", ".join(f"nullif(line ->> {lit(k)}, '') as {q(k)}" for k in keys) or "null as _empty"
    con.execute(
        f"create or replace temp table {table} as select row_number() over (order by _line) as _ord, "
        f"_line, {cols} from {lines} where json_valid(line) and json_type(line) = 'OBJECT'"
    )
    con.execute(f"drop table {lines}")
    rejects = [Reject(n, "not a JSON object", (text or "")[:2000]) for n, text in bad]
    return _result(con, table, rejects)


def _read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: EntityMapping, table: str
) -> ReadResult:
    if mapping.encoding == "cp1252":
        with _transcoded(path) as utf8:
            result = _read_csv_utf8(con, utf8, mapping, table, "utf-8")
        result.transcoded = True
        return result
    encoding = mapping.encoding or "utf-8"
    result = _read_csv_utf8(con, path, mapping, table, encoding)
    if encoding == "utf-8" and any(r.reason.startswith("invalid encoding") for r in result.rejects):
        with _transcoded(path) as utf8:
            result = _read_csv_utf8(con, utf8, mapping, table, "utf-8")
        result.transcoded = True
    return result


def _read_csv_utf8(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: EntityMapping, table: str, encoding: str
) -> ReadResult:
    options = [
        "all_varchar=true",
        f"header={'true' if mapping.header else 'false'}",
        "store_rejects=true",
        f"rejects_table='_{table}_rej'",
        f"rejects_scan='_{table}_scan'",
        f"encoding={lit(encoding)}",
        "max_line_size=10000000",
    ]
    if mapping.delimiter:
        options.append(f"delim={lit(mapping.delimiter)}")
    src = f"read_csv({lit(str(path))}, {', '.join(options)})"
    try:
        con.execute(
            f"create or replace temp table {table} as "
            f"select row_number() over () as _ord, _ord + {1 if mapping.header else 0} as _line, "
            f"* from {src}"
        )
    except duckdb.Error as exc:
        raise ExtractError(f"{path}: cannot read as CSV: {_first_line(exc)}") from exc
    rejects = _csv_rejects(con, table)
    if rejects:
        _number_lines(con, table, rejects, header_lines=1 if mapping.header else 0)
    return _result(con, table, rejects)


def _csv_rejects(con: duckdb.DuckDBPyConnection, table: str) -> list[Reject]:
    rows = con.execute(
        f"select line, string_agg(distinct lower(error_type::varchar), '; ') || ': ' || "
        f"any_value(error_message), any_value(csv_line) from _{table}_rej group by line order by line"
    ).fetchall()
    con.execute(f"drop table if exists _{table}_rej")
    con.execute(f"drop table if exists _{table}_scan")
    return [Reject(int(line), _short(reason), (text or "")[:2000]) for line, reason, text in rows]


def _number_lines(
    con: duckdb.DuckDBPyConnection, table: str, rejects: list[Reject], header_lines: int
) -> None:
    """Give each accepted record its line: its ordinal plus the header and earlier rejected lines.

    A quoted field holding a newline makes the file's physical lines drift from this count;
    docs/data-contract.md says so.
    """
    shifts = {1: header_lines}
    for i, r in enumerate(rejects):
        # The next accepted record has ordinal (line - header - rejects before this one).
        shifts[r.line - header_lines - i] = header_lines + i + 1
    con.execute("create or replace temp table _line_shift (from_ord bigint, shift bigint)")
    con.executemany("insert into _line_shift values (?, ?)", list(shifts.items()))
    con.execute(
        f"create or replace temp table {table} as select t.* exclude (_line), t._ord + s.shift as _line "
        f"from {table} t asof join _line_shift s on t._ord >= s.from_ord order by t._ord"
    )
    con.execute("drop table _line_shift")


def _result(con: duckdb.DuckDBPyConnection, table: str, rejects: list[Reject]) -> ReadResult:
    names = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    columns = [c for c in names if c not in ("_ord", "_line")]
    return ReadResult(table, columns, int(rows), rejects)


class _transcoded:
    """A temporary UTF-8 copy of a file, each line decoded as UTF-8 or else as cp1252."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        fd, name = tempfile.mkstemp(suffix=".csv", prefix="ecoute-utf8-")
        self.tmp = Path(name)
        with os.fdopen(fd, "wb") as out:
            for line in _lines(self.path):
                out.write(_to_utf8(line))
        return self.tmp

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


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
