"""Load: merge one cleaned batch into ``raw`` and account for every row it read.

Idempotent by construction: a row whose content hash equals the current version of its id is an
exact duplicate and changes nothing; a changed row replaces the current version, which moves to
``raw.<entity>__history``. Within one file, rows apply in file order, so the last line wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.clean import lit, q
from etl.contract import Entity
from etl.extract import Reject

LINEAGE_INSERT = "_load_id, _source_file, _line, _row_hash"


@dataclass
class MergeCounts:
    loaded: int = 0
    updated: int = 0
    duplicate: int = 0


def numbered(typed: str, line_sql: str, where: str) -> str:
    """The typed rows with their line in the file (``_ln``)."""
    return f"(select {line_sql} as _ln, * from {typed} where {where})"


def merge(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    typed: str,
    load_id: int,
    source_file: str,
    line_sql: str,
) -> MergeCounts:
    """Merge the ``_ok`` rows of ``typed`` into ``raw.<entity>``; returns the accounting.

    Most ids appear once per file and are new or compared with their current version by hash;
    only ids repeated within the file need the ordered (window) comparison, so only they pay for it.
    """
    key, raw = entity.key, f"raw.{entity.name}"
    ok = numbered(typed, line_sql, "_ok")
    has_rows = con.execute(f"select exists (select 1 from {raw})").fetchone()[0]
    con.execute(
        f"create or replace temp table _multi as select {key} from {ok} "
        f"group by {key} having count(*) > 1"
    )
    cur = f"(select {key}, _row_hash from {raw} where {key} in (select {key} from {ok}))"
    con.execute(f"create or replace temp table _cur as {cur if has_rows else f'{cur} limit 0'}")
    # Ids repeated in the file: apply the rows in file order; the last non-duplicate wins.
    con.execute(
        f"create or replace temp table _seq as select g._ord, g.{key}, g._row_hash, "
        f"coalesce(lag(g._row_hash) over (partition by g.{key} order by g._ord), c._row_hash) as _seen "
        f"from {ok} g join _multi m using ({key}) left join _cur c using ({key})"
    )
    single = (
        f"select g._ord, g._row_hash, c._row_hash as _seen from {ok} g join _cur c using ({key}) "
        f"where g.{key} not in (select {key} from _multi)"
    )
    dup, upd = con.execute(
        "select count(*) filter (where _seen = _row_hash), count(*) filter (where _seen <> _row_hash) "
        f"from (select _ord, _row_hash, _seen from _seq union all {single})"
    ).fetchone()
    total = con.execute(f"select count(*) from {ok}").fetchone()[0]
    con.execute(
        f"create or replace temp table _skip as "
        f"select _ord from ({single}) where _seen = _row_hash "
        f"union all select _ord from _seq where _ord not in ("
        f"  select max(_ord) from _seq where _seen is distinct from _row_hash group by {key})"
    )
    rows = f"(select * from {ok} where _ord not in (select _ord from _skip))"
    if upd:
        replaced = f"select {key} from {rows} where {key} in (select {key} from _cur)"
        con.execute(
            f"insert into {raw}__history select *, {load_id} from {raw} where {key} in ({replaced})"
        )
        con.execute(f"delete from {raw} where {key} in ({replaced})")
    names = ", ".join(entity.field_names())
    con.execute(
        f"insert into {raw} ({names}, extra, {LINEAGE_INSERT}) "
        f"select {names}, extra, {load_id}, {lit(source_file)}, _ln, _row_hash from {rows}"
    )
    for t in ("_multi", "_cur", "_seq", "_skip"):
        con.execute(f"drop table {t}")
    return MergeCounts(loaded=int(total - dup), updated=int(upd), duplicate=int(dup))


def quarantine(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    load_id: int,
    source_file: str,
    typed: str,
    line_sql: str,
    rejects: list[Reject],
    source_columns: list[str],
    source_ord_sql: str,
) -> int:
    """Write the rows that broke a rule (and the lines the reader rejected) to ``meta.quarantine``,
    each with the record as received (found in ``_src`` by position)."""
    con.execute(
        f"create or replace temp table _bad as select _ord, {line_sql} as _ln, _errors "
        f"from {typed} where not _ok"
    )
    count = con.execute("select count(*) from _bad").fetchone()[0]
    if count:
        record = "json_object(" + ", ".join(f"{lit(c)}, s.{q(c)}" for c in source_columns)
        con.execute(
            f"insert into meta.quarantine select {load_id}, {lit(entity.name)}, "
            f"{lit(source_file)}, b._ln, split_part(b._errors[1], ':', 1), "
            f"array_to_string(b._errors, '; '), {record})::varchar "
            f"from (select {source_ord_sql} as _ord, * from _src) s join _bad b using (_ord)"
        )
    con.execute("drop table _bad")
    if rejects:
        con.executemany(
            "insert into meta.quarantine values (?, ?, ?, ?, ?, ?, ?)",
            [
                (load_id, entity.name, source_file, r.line, "(row)", r.reason, r.record)
                for r in rejects
            ],
        )
    return int(count) + len(rejects)
