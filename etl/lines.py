"""Bounded reading of a text file's physical lines, before DuckDB's CSV reader sees them.

Two jobs. ``oversized`` is a cheap scan (numpy over 4 MB blocks, ~0.1 s per 70 MB) telling
whether any physical line is longer than the caps allow: DuckDB's reject store keeps one
reject per extra field, each with the whole line, so one 200 KB line of 100,000 fields can take
gigabytes; such a file is never handed to it as is.

``resplit`` is the careful reading used when the fast one cannot be trusted (a line over a cap,
a file the sniffer cannot read, or any line the fast read rejected): a Python pass over the
physical lines that writes a clean copy (LF, RFC 4180 quoting, the physical line each record
starts on as a first column ``_line``) and sets aside, as rejects, the lines that cannot be a
record. A quoted field may span lines, but only if it closes and the record then has the
header's number of fields; otherwise only the line that opened it is rejected and reading
restarts on the next line, so a stray quote costs one record, never its neighbours, and every
later record keeps its physical line number.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

DELIMITERS = (",", ";", "\t", "|")
_MAX_SPAN = 100  # physical lines one quoted field may span
_Item = tuple[int, str | None, str]  # physical line: number, text (None: over the cap), head


@dataclass(frozen=True)
class Caps:
    """``[load]``: a physical line's bytes and fields, a JSON line's bytes, a .gz's output."""

    max_line_bytes: int = 1 << 20
    max_fields: int = 1000
    max_json_line_bytes: int = 1 << 20
    gunzip_max_bytes: int = 8 << 30
    gunzip_max_ratio: float = 200.0


@dataclass
class Bad:
    """A physical line range that is not a record: first and last line, reason, the text."""

    first: int
    last: int
    reason: str
    record: str


@dataclass
class Resplit:
    path: Path
    columns: list[str]
    delimiter: str
    bad: list[Bad] = field(default_factory=list)
    transcoded: bool = False  # some line was not UTF-8 and was read as cp1252


def oversized(path: Path, max_bytes: int, max_fields: int) -> bool:
    """Whether some physical line may be longer than ``max_bytes`` or hold more than
    ``max_fields`` fields. Only a line at least ``max_fields`` bytes long can hold that many,
    so only those are looked at; one that straddles two blocks counts as oversized (the careful
    reading then decides)."""
    limit = min(max_bytes, max_fields)
    buf = bytearray(1 << 22)
    carry = 0
    with _open(path) as f:
        while n := f.readinto(buf):
            a = np.frombuffer(buf, np.uint8, n)
            ends = np.flatnonzero(a == 10)
            if not len(ends):
                carry += n
                if carry > limit:
                    return True
                continue
            lengths = np.diff(ends, prepend=-1)
            if lengths[0] + carry > limit and carry:
                return True
            lengths[0] += carry
            for i in np.flatnonzero(lengths > limit):
                start = int(ends[i - 1]) + 1 if i else 0
                if lengths[i] > max_bytes or _fields(bytes(a[start : ends[i]])) > max_fields:
                    return True
            carry = n - 1 - int(ends[-1])
    return carry > limit


def _fields(text: bytes) -> int:
    return 1 + max(text.count(d.encode()) for d in DELIMITERS)


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb", buffering=0)


def resplit(
    path: Path, caps: Caps, *, delimiter: str | None, encoding: str | None, header: bool,
    folder: str | None = None,
) -> Resplit:  # fmt: skip
    """The clean copy described above, in ``folder`` (removed by the caller)."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix=f"ecoute-resplit-{os.getpid()}-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, _open(path) as raw:
            reader = _Physical(raw, caps.max_line_bytes, encoding)
            result = _write(reader, out, caps, delimiter, header)
            result.path, result.transcoded = Path(name), reader.transcoded
    except BaseException:
        os.unlink(name)
        raise
    return result


class _Physical:
    """Physical lines as (number, text or None when over the cap, raw head), decoded line by line."""

    def __init__(self, raw: IO[bytes], max_bytes: int, encoding: str | None) -> None:
        self._raw = io.BufferedReader(raw, 1 << 20) if not isinstance(raw, io.BufferedReader) else raw  # type: ignore[arg-type]
        self._max = max_bytes
        self._encoding = encoding if encoding in ("cp1252", "latin-1") else None
        self.number = 0
        self.transcoded = False

    def __iter__(self) -> Iterator[_Item]:
        while True:
            line = self._raw.readline(self._max + 2)
            if not line:
                return
            self.number += 1
            if len(line) > self._max + 1 or (len(line) > self._max and not line.endswith(b"\n")):
                size = len(line) + self._skip_rest(line)
                yield self.number, None, f"{size} bytes: " + self._decode(line[:2000])
                continue
            yield self.number, self._decode(line.rstrip(b"\n").removesuffix(b"\r")), ""

    def _skip_rest(self, line: bytes) -> int:
        skipped = 0
        while not line.endswith(b"\n"):
            line = self._raw.readline(1 << 20)
            if not line:
                break
            skipped += len(line)
        return skipped

    def _decode(self, line: bytes) -> str:
        if self._encoding:
            return line.decode(self._encoding, errors="replace")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.transcoded = True
            return line.decode("cp1252", errors="replace")


def _write(lines: _Physical, raw: IO[str], caps: Caps, delimiter: str | None, header: bool) -> Resplit:
    out = csv.writer(raw, lineterminator="\n")
    pending: deque[_Item] = deque()
    source = iter(lines)
    bad: list[Bad] = []
    columns: list[str] = []
    width = 0

    def next_line() -> _Item | None:
        return pending.popleft() if pending else next(source, None)

    while (item := next_line()) is not None:
        number, text, head = item
        if text is None:
            bad.append(Bad(number, number, f"line longer than {caps.max_line_bytes} bytes "
                           "([load] max_line_bytes)", head))  # fmt: skip
            continue
        if not text.strip() and not columns:
            continue
        if not columns:
            delimiter = delimiter or _guess_delimiter(text)
            columns = _header(text, delimiter) if header else []
            width = len(columns) or len(_fields_of(text, delimiter) or [])
            columns = columns or [f"column{i}" for i in range(width)]
            if header:
                continue
        if not text.strip():
            continue
        if text.count(delimiter) >= caps.max_fields:
            bad.append(Bad(number, number, f"more than {caps.max_fields} fields "
                           "([load] max_fields)", text[:2000]))  # fmt: skip
            continue
        if '"' not in text and text.count(delimiter) + 1 == width:
            # The common line: no quoting, right width; written as is (a tenth of the cost).
            if delimiter == "," or "," not in text:
                raw.write(f"{number},{text.replace(delimiter, ',')}\n")
            else:
                out.writerow([number, *text.split(delimiter)])
            continue
        record, used = _record(text, next_line, caps)
        fields = _fields_of(record, delimiter) if record is not None else None
        if fields is not None and len(fields) == width:
            out.writerow([number, *fields])
            continue
        # Not a record: this line alone is set aside; the lines it swallowed are read again.
        pending.extendleft(reversed(used))
        bad.append(Bad(number, number, _why(record, fields, width, used), text[:2000]))
    return Resplit(Path(), columns, delimiter or ",", bad)


def _record(
    text: str, next_line: Callable[[], _Item | None], caps: Caps
) -> tuple[str | None, list[_Item]]:
    """The record starting with this line: the line itself, or with the lines an open quote
    swallows until it closes; None when it does not close within the caps."""
    used: list[_Item] = []
    record, quotes = text, text.count('"')
    while quotes % 2:
        item = next_line()
        if item is None:
            return None, used
        used.append(item)
        line = item[1]
        if line is None or len(used) > _MAX_SPAN or len(record) + len(line) > caps.max_line_bytes:
            return None, used
        record += "\n" + line
        quotes += line.count('"')
    return record, used


def _fields_of(record: str, delimiter: str) -> list[str] | None:
    try:
        rows = list(csv.reader([record], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _why(record: str | None, fields: list[str] | None, width: int, used: list[_Item]) -> str:
    if record is None:
        return "unbalanced quote: a quoted field opened on this line does not close"
    if fields is None:
        return "broken quoting: the record cannot be split into fields"
    if used:
        return (f"unbalanced quote: the quoted field opened on this line closes on line "
                f"{used[-1][0]}, and the record then has {len(fields)} fields, not {width}")
    return f"{len(fields)} fields, the header has {width}"


def _header(text: str, delimiter: str) -> list[str]:
    names = _fields_of(text.removeprefix("\ufeff"), delimiter) or [text]
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out


def _guess_delimiter(header: str) -> str:
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","
