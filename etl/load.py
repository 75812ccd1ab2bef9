"""Load: merge one cleaned batch into ``raw`` and account for every row it read.

Idempotent by construction: a row whose content hash equals the current version of its id is an
exact duplicate and changes nothing; a changed row replaces the current version, which moves to
``raw.<entity>__history``. Within one file, rows apply in file order, so the last line wins.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import duckdb

from ecoute.etl.clean import is_pii_column, lit
from ecoute.etl.contract import Entity
from ecoute.etl.extract import Reject
from ecoute.etl.mapping import EntityMapping

LINEAGE_INSERT = "_load_id, _source_file, _line, _row_hash"


@dataclass
class MergeCounts:
    loaded: int = 0
    updated: int = 0
    duplicate: int = 0


def merge(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    rows: str,
    load_id: int,
    source_file: str,
) -> MergeCounts:
    """Merge the ``_ok`` rows of ``rows`` (typed rows with ``_ord`` and ``_ln``) into
    ``raw.<entity>``; returns the accounting.

    Most ids appear once per file and are new or compared with their current version by hash;
    only ids repeated within the file need the ordered (window) comparison, so only they pay for
    it. A file whose ids are all new and unique (a first load, a day of new calls) is one insert.
    """
    key, raw = entity.key, f"raw.{entity.name}"
    ok = f"(select * from {rows} where _ok)"
    total = _scalar(con, f"select count(*) from {ok}")
    _repeated_ids(con, key, ok)
    has_rows = _scalar(con, f"select exists (select 1 from {raw})")
    cur = f"(select {key}, _row_hash from {raw} where {key} in (select {key} from {ok}))"
    con.execute(f"create or replace temp table _cur as {cur if has_rows else f'{cur} limit 0'}")
    dup = upd = 0
    rows_in = ok
    if _scalar(con, "select exists (select 1 from _multi) or exists (select 1 from _cur)"):
        dup, upd = _compare(con, key, ok)
        if _scalar(con, "select exists (select 1 from _skip)"):
            rows_in = f"(select g.* from {ok} g anti join _skip using (_ord))"
    if upd:
        replaced = f"select {key} from {rows_in} where {key} in (select {key} from _cur)"
        con.execute(
            f"insert into {raw}__history select *, {load_id} from {raw} where {key} in ({replaced})"
        )
        con.execute(f"delete from {raw} where {key} in ({replaced})")
    names = ", ".join(entity.field_names())
    with _unordered(con):
        con.execute(
            f"insert into {raw} ({names}, extra, {LINEAGE_INSERT}) "
            f"select {names}, extra, {load_id}, {lit(source_file)}, _ln, _row_hash from {rows_in}"
        )
    for t in ("_multi", "_cur", "_seq", "_skip"):
        con.execute(f"drop table if exists {t}")
    return MergeCounts(loaded=int(total - dup), updated=int(upd), duplicate=int(dup))


@contextlib.contextmanager
def _unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The insert into ``raw`` may store rows in any order: each carries its line (``_line``)
    and nothing reads raw in storage order. Keeping the file's order makes DuckDB's insert
    merge the threads' row groups in sequence; without it, inserting and checkpointing 1 million
    calls took ~1.1 CPU-s less in isolation, though not measurably in a whole load on a busy
    machine (docs/performance.md, session 7). The typed rows' own order
    (their positions) is fixed before this, by the Parquet file's row numbers."""
    before = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if before else 'false'}")


def _repeated_ids(con: duckdb.DuckDBPyConnection, key: str, ok: str) -> None:
    """``_multi``: the ids that appear more than once among the file's rows."""
    con.execute(
        f"create or replace temp table _multi as select {key} from {ok} "
        f"group by {key} having count(*) > 1"
    )


def _compare(con: duckdb.DuckDBPyConnection, key: str, ok: str) -> tuple[int, int]:
    """Duplicates and updates among the rows whose id is current or repeated; fills ``_skip``
    with the rows not to insert (exact duplicates, and earlier versions of a repeated id)."""
    # Ids repeated in the file: apply the rows in file order; the last non-duplicate wins.
    # An id whose last version in the file is its current one changes nothing: all its rows
    # are duplicates (re-loading a file that holds two versions of a message updates nothing).
    con.execute(
        f"create or replace temp table _seq as select g._ord, g.{key}, g._row_hash, "
        f"coalesce(lag(g._row_hash) over (partition by g.{key} order by g._ord), c._row_hash) as _seen, "
        f"coalesce(last_value(g._row_hash) over (partition by g.{key} order by g._ord rows between "
        f"unbounded preceding and unbounded following) = c._row_hash, false) as _same_end "
        f"from {ok} g join _multi m using ({key}) left join _cur c using ({key})"
    )
    single = (
        f"select g._ord, g._row_hash, c._row_hash as _seen from {ok} g join _cur c using ({key}) "
        f"where g.{key} not in (select {key} from _multi)"
    )
    dup, upd = con.execute(
        "select count(*) filter (where _seen = _row_hash or _same_end), "
        "count(*) filter (where _seen <> _row_hash and not _same_end) "
        f"from (select _ord, _row_hash, _seen, _same_end from _seq "
        f"union all select *, false from ({single}))"
    ).fetchone()
    con.execute(
        f"create or replace temp table _skip as "
        f"select _ord from ({single}) where _seen = _row_hash "
        f"union all select _ord from _seq where _same_end or _ord not in ("
        f"  select max(_ord) from _seq where _seen is distinct from _row_hash group by {key})"
    )
    return int(dup), int(upd)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def quarantine(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    load_id: int,
    source_file: str,
    rows: str,
    rejects: list[Reject],
) -> int:
    """Write the rows that broke a rule (with the record as received) and the lines the reader
    rejected to ``meta.quarantine``."""
    head = f"{load_id}, {lit(entity.name)}, {lit(source_file)}"
    count = _scalar(con, f"select count(*) from {rows} where not _ok")
    if count:
        con.execute(
            f"insert into meta.quarantine select {head}, _ln, split_part(_errors[1], ':', 1), "
            f"array_to_string(_errors, '; '), _record from {rows} where not _ok"
        )
    # Literals, not parameters: binding a Python value makes duckdb import pandas (~1 s).
    for start in range(0, len(rejects), 1000):
        values = ", ".join(
            f"({head}, {r.line}, '(row)', {lit(r.reason)}, {lit(r.record)})"
            for r in rejects[start : start + 1000]
        )
        con.execute(f"insert into meta.quarantine values {values}")
    return int(count) + len(rejects)


_EMAIL = re.compile(r"[^\s,;|\"'<>@]+@[^\s,;|\"'<>@]+\.[A-Za-z]{2,}")
# International (+32 470 12 34 56, 0032…) and national mobile/fixed numbers (0470 12 34 56).
_PHONE = re.compile(r"(?<![\w:.-])(?:\+|00)\d[\d ./-]{6,16}\d(?![\w:])|(?<![\w:.-])0\d{2,3}[ ./]?\d{2,3}(?:[ ./]?\d{2}){2,3}(?![\w:])")


def mask_rejects(
    rejects: list[Reject], key: str, columns: list[str], mapping: EntityMapping
) -> list[Reject]:
    """The rejected lines with personal data replaced by their keyed hash, as the loaded rows
    have them: the fields of phone and e-mail columns (when the line splits into the header's
    fields), then anything that looks like an e-mail address or a phone number. The raw line
    stays in the source file (the quarantine names file and line)."""
    pii = [i for i, c in enumerate(columns) if is_pii_column(c, mapping)]
    return [replace(r, record=mask_line(r.record, key, pii, len(columns))) for r in rejects]


def mask_line(text: str, key: str, pii: list[int], width: int) -> str:
    if pii:
        text = _mask_fields(text, key, pii, width)
    text = _EMAIL.sub(lambda m: _hashed(key, m.group(0)), text)
    return _PHONE.sub(lambda m: _hashed(key, m.group(0)), text)


def _mask_fields(text: str, key: str, pii: list[int], width: int) -> str:
    for delimiter in (",", ";", "\t", "|"):
        try:
            fields = next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(fields) == width:
            for i in pii:
                if fields[i].strip():
                    text = text.replace(fields[i], _hashed(key, fields[i]), 1)
            return text
    return text


def _hashed(key: str, value: str) -> str:
    """``pii_hash`` of etl/pipeline.py, in Python: sha256(key | normalised value)."""
    v = value.strip().lower() if "@" in value else re.sub(r"[^0-9+]", "", value)
    return "pii:" + hashlib.sha256(f"{key}|{v}".encode()).hexdigest()
