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


def merge(
    con: duckdb.DuckDBPyConnection, entity: Entity, typed: str, load_id: int, source_file: str
) -> MergeCounts:
    """Merge the ``_ok`` rows of ``typed`` into ``raw.<entity>``; returns the accounting."""
    key, raw = entity.key, f"raw.{entity.name}"
    fields = entity.field_names()
    cols = ", ".join(f"g.{f}" for f in fields)
    con.execute(
        f"create or replace temp table _cand as select {cols}, g.extra, g._ord, g._line, g._row_hash, "
        f"lag(g._row_hash) over (partition by g.{key} order by g._ord) as _prev_hash, "
        f"r._row_hash as _cur_hash from {typed} g left join {raw} r on r.{key} = g.{key} where g._ok"
    )
    seen = "coalesce(_prev_hash, _cur_hash)"
    dup, upd, new = con.execute(
        f"select count(*) filter (where {seen} = _row_hash), "
        f"count(*) filter (where {seen} <> _row_hash), count(*) filter (where {seen} is null) "
        "from _cand"
    ).fetchone()
    con.execute(
        f"create or replace temp table _final as select * from _cand "
        f"where {seen} is distinct from _row_hash "
        f"qualify row_number() over (partition by {key} order by _ord desc) = 1"
    )
    if upd:
        replaced = f"select {key} from _final where _cur_hash is not null"
        con.execute(
            f"insert into {raw}__history select *, {load_id} from {raw} where {key} in ({replaced})"
        )
        con.execute(f"delete from {raw} where {key} in ({replaced})")
    names = ", ".join(fields)
    con.execute(
        f"insert into {raw} ({names}, extra, {LINEAGE_INSERT}) "
        f"select {names}, extra, {load_id}, {lit(source_file)}, _line, _row_hash from _final"
    )
    con.execute("drop table _cand")
    con.execute("drop table _final")
    return MergeCounts(loaded=int(upd + new), updated=int(upd), duplicate=int(dup))


def quarantine(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    load_id: int,
    source_file: str,
    source_table: str,
    source_columns: list[str],
    errors_sql: str,
    rejects: list[Reject],
) -> int:
    """Write the rows that broke a rule (and the lines the reader rejected) to ``meta.quarantine``."""
    record = "json_object(" + ", ".join(f"{lit(c)}, s.{q(c)}" for c in source_columns) + ")::varchar"
    head = f"{load_id}, {lit(entity.name)}, {lit(source_file)}"
    count = con.execute(
        f"insert into meta.quarantine select {head}, s._line, split_part(e.errors[1], ':', 1), "
        f"array_to_string(e.errors, '; '), {record} from ({errors_sql}) e "
        f"join {source_table} s using (_ord)"
    ).fetchone()[0]
    if rejects:
        con.executemany(
            "insert into meta.quarantine values (?, ?, ?, ?, ?, ?, ?)",
            [(load_id, entity.name, source_file, r.line, "(row)", r.reason, r.record) for r in rejects],
        )
    return int(count) + len(rejects)
