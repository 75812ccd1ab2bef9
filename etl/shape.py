"""Shape: turn a platform's JSON export into flat rows the clean step can read, in DuckDB SQL.

Platforms do not export one flat row per record: Amazon Connect nests ``Agent`` and ``Queue``
inside each contact record, Genesys Cloud nests participants → sessions → segments, Zendesk
wraps its tickets in a page document, and at-least-once delivery repeats a record with a later
``LastUpdateTimestamp``. A mapping says what it needs (docs/mappings.md, "Nested exports"):

- ``records``: where the array of records sits in a JSON document (``conversations``);
- paths as column names, in ``columns``, ``version`` and double-quoted in ``expressions``:
  ``Agent.ConnectedToAgentTimestamp``, ``participants[purpose = 'customer'].participantId``,
  ``sessions[*].metrics[name = 'tAnswered'].emitDate`` (the first value found);
- ``each``: one row per element of an array (``each.id`` reads the element);
- ``version``: a record's version; per key the latest wins, older versions are *superseded*:
  counted, kept in ``meta.superseded`` with their record as received, never loaded.

All of it is SQL over DuckDB's JSON functions and ``unnest``: no Python runs per record. The
result is a ``Source`` like any other (etl/extract.py): the table ``_src`` with ``_line`` (the
line of a JSON Lines file, or the record's number in a document), ``_path`` (where the record
sits, e.g. ``$.conversations[3]``), every top-level key of the record as text, and one column
per path the mapping names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ecoute.etl import SOURCES
from ecoute.etl.clean import READER_COLUMNS, _norm, is_pii_column, lit, q
from ecoute.etl.contract import Entity
from ecoute.etl.extract import ExtractError, Reject, Source, file_format, lines_sql
from ecoute.etl.mapping import EntityMapping, MappingError

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\]]*\])*)")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_CONDITION = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*(=|!=|<>)\s*'((?:[^']|'')*)'\s*$")
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')
EACH = "each"


@dataclass
class ShapedSource(Source):
    """A ``Source`` whose older versions were set aside: ``superseded`` rows, kept in the temp
    table ``superseded_table`` (``_line``, ``_path``, ``_record``) until the load records them."""

    superseded: int = 0
    superseded_table: str | None = None
    lines: int = 0  # the fast reading (``fast_source``): the file's lines, all records
    keys: tuple[str, ...] = ()  # the fast reading: every top-level key of the file's records


def is_path(name: str) -> bool:
    return "." in name or "[" in name


def is_shaped(mapping: EntityMapping, path: Path | None = None) -> bool:
    """Whether the file needs this module: a document, an explosion, versions, or paths into
    JSON (in a CSV, a dotted header such as ``caller_id.user_name`` is a plain column)."""
    if mapping.records or mapping.each or mapping.version:
        return True
    try:
        fmt = file_format(path, mapping) if path is not None else mapping.format
    except ExtractError:
        return False
    return fmt in ("json", "jsonl") and (
        any(is_path(c) for c in mapping.columns.values())
        or any(is_path(p) for p in expression_paths(mapping))
    )


def expression_paths(mapping: EntityMapping) -> list[str]:
    """The double-quoted names in ``expressions`` that are paths (``"Agent.Username"``)."""
    found = []
    for text in mapping.expressions.values():
        for m in _QUOTED.finditer(text):
            name = m.group(1).replace('""', '"')
            if is_path(name) and name not in found:
                found.append(name)
    return found


def path_sql(path: str, record: str = "rec", element: str = "elem") -> str:
    """SQL reading ``path`` as text from the JSON value ``record`` (``each.…``: from ``element``).

    A path without brackets is one ``json_extract_string``; brackets keep a list of candidate
    values and the first non-null one is the answer."""
    base = record
    if path == EACH or path.startswith(EACH + "."):
        base, path = element, path[len(EACH) + 1 :]
    if not path:
        return f"json_extract_string({base}, '$')"
    segments = _segments(path)
    if all(not brackets for _, brackets in segments):
        return f"json_extract_string({base}, {lit(_json_path(n for n, _ in segments))})"
    return f"json_extract_string(({list_sql(path, base)})[1], '$')"


def list_sql(path: str, base: str) -> str:
    """SQL for the list of JSON values ``path`` reaches from ``base`` (nulls removed)."""
    cur = f"[{base}]"
    for name, brackets in _segments(path):
        cur = f"list_transform({cur}, x -> json_extract(x, {lit(_json_path([name]))}))"
        for b in _BRACKET.findall(brackets):
            cur = _bracket(cur, b.strip(), path)
    return f"list_filter({cur}, x -> x is not null)"


def _bracket(cur: str, b: str, path: str) -> str:
    if re.fullmatch(r"-?\d+", b):
        index = f"#{b}" if b.startswith("-") else b
        return f"list_transform({cur}, x -> json_extract(x, '$[{index}]'))"
    spread = f"flatten(list_transform({cur}, x -> coalesce(json_extract(x, '$[*]'), [])))"
    if b == "*":
        return spread
    alternatives = []
    for alternative in re.split(r"\s+or\s+", b, flags=re.IGNORECASE):
        terms = []
        for part in re.split(r"\s+and\s+", alternative, flags=re.IGNORECASE):
            m = _CONDITION.match(part)
            if not m:
                raise MappingError(
                    f"path {path!r}: cannot read [{b}]; expected [n], [*] or "
                    "[key = 'value' and|or …]"
                )
            key, op, value = m.group(1), m.group(2), m.group(3).replace("''", "'")
            op = "=" if op == "=" else "<>"
            terms.append(f"json_extract_string(y, {lit(_json_path([key]))}) {op} {lit(value)}")
        alternatives.append("(" + " and ".join(terms) + ")")
    return f"list_filter({spread}, y -> coalesce({' or '.join(alternatives)}, false))"


def _segments(path: str) -> list[tuple[str, str]]:
    """``(name, brackets)`` per segment; a double-quoted name may hold dots
    (``"caller_id.user_name"`` is one key, as ServiceNow's Table API writes dot-walked fields)."""
    out = []
    for part in _split(path):
        quoted = re.fullmatch(r'"((?:[^"]|"")+)"((?:\[[^\]]*\])*)', part.strip())
        m = quoted or _SEGMENT.fullmatch(part.strip())
        if not m:
            raise MappingError(f"path {path!r}: cannot read segment {part!r}")
        out.append((m.group(1).replace('""', '"'), m.group(2)))
    return out


def _split(path: str) -> list[str]:
    """The path cut at dots outside double quotes and brackets."""
    parts, current, depth, quoted = [], "", 0, False
    for ch in path:
        if ch == '"' and not depth:
            quoted = not quoted
        elif not quoted and ch in "[]":
            depth += 1 if ch == "[" else -1
        if ch == "." and not quoted and not depth:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _json_path(names) -> str:  # noqa: ANN001 - any iterable of keys
    return "$" + "".join('."' + n.replace('"', '\\"') + '"' for n in names)


def shaped_source(
    con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, mapping: EntityMapping
) -> ShapedSource:
    """Read ``path`` (JSON Lines, or a JSON document when ``records`` is set) into ``_src``.

    Each record is parsed twice, whatever the number of fields: once for its keys (which also
    tells a malformed line), once for every plain path at the same time (one
    ``json_extract_string`` with a list of paths); only bracketed paths cost one parse each."""
    rejects = _records(con, path, mapping)
    rows = _explode(mapping)
    paths = _paths(mapping)
    keys = [r[0] for r in con.execute(
        "select distinct unnest(_keys) k from _shape_rec order by k"
    ).fetchall()]  # fmt: skip
    # The record's keys in the fast reading's order (so ``extra`` is the same text), each as
    # text or, when nothing reads it as text, as JSON.
    tops = [k for k in keys if k not in paths and k not in READER_COLUMNS]
    as_json = [k for k in tops if k in json_columns(mapping, tops)]
    plain = [(k, _json_path([k])) for k in tops if k not in as_json]
    plain += [(p, _plain_json_path(p)) for p in paths if _plain_json_path(p)]
    text = {name: f"nullif(_v[{i + 1}], '')" for i, (name, _) in enumerate(plain)}
    text |= {k: _without_fields(k, f"_j[{i + 1}]", mapping) for i, k in enumerate(as_json)}
    cols = [f"{text[k]} as {q(k)}" for k in tops]
    cols += [f"{text[p]} as {q(p)}" for p in paths if _plain_json_path(p)]
    cols += [f"nullif({path_sql(p)}, '') as {q(p)}" for p in paths if not _plain_json_path(p)]
    listed = "[" + ", ".join(lit(jp) for _, jp in plain) + "]"
    jsons = "[" + ", ".join(lit(_json_path([k])) for k in as_json) + "]"
    inner = (f"(select *, json_extract_string(rec, {listed}::varchar[]) as _v, "
             f"json_extract(rec, {jsons}::varchar[]) as _j from {rows})")  # fmt: skip
    select = f"select {', '.join(['_line', '_path', *cols])} from {inner}"
    if mapping.records or mapping.each:
        select += " order by _ord"
    older = _older_sql(con, entity, mapping) if mapping.version else None
    if older:
        select = f"select *, {older} from ({select}) s"
    try:
        con.execute(f"create or replace temp table _src as {select}")
    except duckdb.Error as exc:
        raise ExtractError(f"cannot shape: {str(exc).splitlines()[0]}") from exc
    con.execute("drop table if exists _shape_rec")
    hidden = ("_line", "_older", "_k")
    columns = [r[0] for r in con.execute("describe _src").fetchall() if r[0] not in hidden]
    source = ShapedSource(path, "_src", columns, "jsonl", has_line=True, rejects=rejects,
                          types=dict.fromkeys(as_json, "JSON"))  # fmt: skip
    if older:
        _set_aside(con, source, mapping)
    return source


_COMPRESSED = (".gz", ".gzip", ".zst", ".zstd")


def fast_source(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: EntityMapping
) -> ShapedSource | None:
    """A clean JSON Lines file, read by DuckDB's own JSON reader in the typing query itself.

    One survey pass reads the lines as text and parses each for its keys (every key of every
    record becomes a column: nothing is dropped), and says whether every line is a JSON
    object; then ``read_json`` with those keys as text columns feeds the typing step directly,
    with no shaped table in between. Paths into nested objects are read from the object's
    column, all of one object's paths in one ``json_extract_string``. A record's line is its
    position (the survey checked there are no blank or broken lines; the caller checks the
    typed rows number the lines). None: the file needs the careful reading
    (``shaped_source``): a broken, blank or non-object line, a repeated key, a compressed file,
    a ``records`` document, an ``each`` or a bracketed path."""
    paths = _paths(mapping)
    if (mapping.records or mapping.each or path.suffix.lower() in _COMPRESSED
            or not all(_plain_json_path(p) for p in paths)):  # fmt: skip
        return None
    # No try(): one broken line fails the survey, and the careful reading takes the file. The
    # survey runs on its own cursor: a failed statement would abort the load's transaction.
    # A repeated key is looked for in the distinct key lists only, not record by record.
    cur = con.cursor()
    try:
        lines, bad, lists = cur.execute(
            # A blank line is NULL here: not an object either.
            "select count(*), count(*) filter (where not coalesce(len(keys) > 0 or "
            "starts_with(ltrim(line), '{'), false)), list(distinct keys) "
            f"from (select line, json_keys(line) as keys from {lines_sql(path)})"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        cur.close()
    lists = [ks for ks in lists or [] if ks is not None]
    keys = sorted({k for ks in lists for k in ks})
    repeated = any(len(ks) != len(set(ks)) for ks in lists)
    # read_json matches names regardless of case: "id" and "ID" would be one column.
    if bad or not lines or repeated or len({k.lower() for k in keys}) != len(keys):
        return None
    return _fast(path, mapping, paths, keys, int(lines))


def _fast(
    path: Path, mapping: EntityMapping, paths: list[str], keys: list[str], lines: int
) -> ShapedSource:
    """The ``read_json`` relation of a surveyed file: its keys, then the mapping's paths."""
    split = {p: [n for n, _ in _segments(p)] for p in paths}
    tops = list(dict.fromkeys(n[0] for n in split.values() if len(n) > 1))
    # An object a path reads into is read as JSON, so a path into a string finds nothing.
    as_json = json_columns(mapping, [k for k in keys if k not in paths])
    read = {k: "JSON" if k in tops or k in as_json else "VARCHAR"
            for k in dict.fromkeys([*keys, *tops])}  # fmt: skip
    reader = (f"read_json({lit(str(path))}, format='newline_delimited', records='true', "
              "columns={" + ", ".join(f"{lit(k)}: {lit(t)}" for k, t in read.items()) + "})")  # fmt: skip
    inner = [f"json_extract_string({q(top)}, [" + ", ".join(
        lit(_json_path(n[1:])) for n in split.values() if len(n) > 1 and n[0] == top
    ) + f"]::varchar[]) as {q('_o' + str(i))}" for i, top in enumerate(tops)]  # fmt: skip
    plain = [k for k in keys if k not in paths and k not in READER_COLUMNS]
    cols = [f"{_without_fields(k, q(k), mapping)} as {q(k)}" if k in as_json
            else f"nullif({_text_of(k, read[k])}, '') as {q(k)}" for k in plain]  # fmt: skip
    value = {}
    for p, names in split.items():
        if len(names) == 1:
            value[p] = f"nullif({_text_of(names[0], read[names[0]])}, '')"
        else:
            sub = [n for n in split.values() if len(n) > 1 and n[0] == names[0]].index(names)
            value[p] = f"nullif({q('_o' + str(tops.index(names[0])))}[{sub + 1}], '')"
        cols.append(f"{value[p]} as {q(p)}")
    carry = ()
    if mapping.version:  # also a path (``meta.updated``): its own value, carried as ``_v``
        cols.append(f"{value[mapping.version]} as _v")
        carry = ("_v",)
    sql = f"(select {', '.join(cols)} from (select *, {', '.join(inner) or 'null as _o'} from {reader}))"
    return ShapedSource(path, sql, [*plain, *paths], "jsonl", carry=carry, lines=lines,
                        keys=tuple(keys), types=dict.fromkeys(as_json, "JSON"))  # fmt: skip


def _without_fields(key: str, value: str, mapping: EntityMapping) -> str:
    """``value``, the JSON of the top-level ``key``, without the members a field reads
    (``Agent.Username`` for ``agent_id``): those are stored in their field, as a CSV column a
    field reads is, not again in ``extra``. Only direct members of an object are left out;
    deeper or bracketed paths, the version and what an expression reads stay."""
    said = {*expression_paths(mapping), mapping.version}
    names = [seg[1][0] for p in mapping.columns.values()
             if p not in said and _plain_json_path(p)
             for seg in [_segments(p)] if len(seg) == 2 and seg[0][0] == key]  # fmt: skip
    if not names:
        return value
    patch = lit("{" + ",".join(json.dumps(n) + ":null" for n in dict.fromkeys(names)) + "}")
    # A value that is not an object (a string, null) is kept whole: a patch would replace it.
    return (f"(case when json_type({value}) = 'OBJECT' then json_merge_patch({value}, {patch}) "
            f"else {value} end)")  # fmt: skip


def json_columns(mapping: EntityMapping, keys: list[str]) -> set[str]:
    """The top-level keys whose values are read as JSON (an object stays an object in ``extra``,
    a number a number), in both readings alike so a record's row hash is one.

    Only keys nothing reads as text: not a column a field names (nor the name of a contract
    field the mapping does not feed, which the clean step may match by itself), not a name an
    expression mentions, not the version, not personal data (hashed from its text)."""
    fed = {*mapping.columns, *mapping.expressions}
    fields = {_norm(f) for e in SOURCES.values() for f in e.field_names() if f not in fed}
    named = {*mapping.columns.values(), mapping.version}
    said = " ".join(mapping.expressions.values()).lower()
    return {k for k in keys
            if k not in READER_COLUMNS and k not in named and _norm(k) not in fields
            and not is_pii_column(k, mapping)
            and not re.search(r"(?<![\w])" + re.escape(k.lower()) + r"(?![\w])", said)}  # fmt: skip


def _text_of(key: str, duck_type: str) -> str:
    """A top-level value as text: a string without its quotes, anything else as written."""
    if duck_type == "VARCHAR":
        return q(key)
    return f"(case when starts_with({q(key)}, '\"') then json_extract_string({q(key)}, '$') else {q(key)}::varchar end)"


def read_whole(con: duckdb.DuckDBPyConnection, source: ShapedSource) -> bool:
    """Whether the fast reading typed one row per line (else the careful reading decides)."""
    return int(con.execute(f"select count(*) from {source.typed}").fetchone()[0]) == source.lines


def set_aside_typed(
    con: duckdb.DuckDBPyConnection, source: ShapedSource, entity: Entity, mapping: EntityMapping
) -> None:
    """Versions, once a fast reading is typed: per key the latest wins (as ``_older_sql``
    says), the others leave ``source.typed`` for ``_superseded`` with their line as received.

    Only keys that occur more than once, or that the warehouse holds, are ranked."""
    if not mapping.version:
        return
    t, key, v = source.typed, entity.key, "_v"
    repeated = (f"select {key} from {t} where {key} is not null and {v} is not null "
                "group by all having count(*) > 1")  # fmt: skip
    older = (f"select _pos from (select _pos, row_number() over (partition by {key} "
             f"order by {_latest_first(v, '_pos')}) as n from {t} where {key} in ({repeated}) "
             f"and {v} is not null) where n > 1")  # fmt: skip
    if _has_rows(con, entity.name):
        older += (f" union select _pos from {t} s where {v} is not null and "
                  f"{_newer_stored(entity, mapping, f's.{key}', v)}")  # fmt: skip
    con.execute(f"create or replace temp table _older_pos as {older}")
    n = int(con.execute("select count(*) from _older_pos").fetchone()[0])
    if not n:
        return
    hashed = [k for k in source.keys if is_pii_column(k, mapping)]
    record = "line"
    if hashed:
        patch = ", ".join(f"{lit(k)}, pii_hash(json_extract_string(line, {lit(_json_path([k]))}))"
                          for k in hashed)  # fmt: skip
        record = f"json_merge_patch(line, json_object({patch}))"
    con.execute(
        "create or replace temp table _superseded as select _line, 'line ' || _line as _path, "
        f"{record}::varchar as _record from (select row_number() over () as _line, line "
        f"from {lines_sql(source.path)}) where _line in (select _pos + 1 from _older_pos) "
        "order by _line"
    )
    source.typed = f"(select * from {t} where _pos not in (select _pos from _older_pos))"
    source.superseded, source.superseded_table = n, "_superseded"


def _plain_json_path(path: str) -> str | None:
    """The JSON path of a path without brackets read from the record; else None."""
    if "[" in path or path == EACH or path.startswith(EACH + "."):
        return None
    return _json_path(n for n, _ in _segments(path))


def _records(con: duckdb.DuckDBPyConnection, path: Path, mapping: EntityMapping) -> list[Reject]:
    """``_shape_rec(_ord, _line, _path, rec, _keys)``: one row per record; malformed lines as
    rejects. ``_keys`` (the record's keys) is NULL exactly when the text is not JSON."""
    if mapping.records:
        _document_records(con, path, mapping.records)
        return []
    con.execute(
        "create or replace temp table _shape_rec as select _line as _ord, _line, "
        "'line ' || _line as _path, line as rec, try(json_keys(line)) as _keys "
        f"from (select row_number() over () as _line, line from {lines_sql(path)})"
    )
    # Text is only looked at when the keys did not already say "an object with keys".
    bad = (
        "(case when _keys is null then trim(coalesce(rec, '')) <> '' "
        "when len(_keys) = 0 then not starts_with(ltrim(rec), '{') else false end)"
    )
    rejected = con.execute(
        f"select _line, rec from _shape_rec where {bad} order by _line"
    ).fetchall()
    con.execute(f"delete from _shape_rec where _keys is null or {bad}")
    return [Reject(n, "not a JSON object", (text or "")[:2000]) for n, text in rejected]


def _document_records(con: duckdb.DuckDBPyConnection, path: Path, records: str) -> None:
    """The records of one JSON document, or of several documents (pages) in one file."""
    # The reader's buffer is as large as the largest object allowed: the file's size suffices.
    size = max(path.stat().st_size + 1024, 16 << 20)
    pages = (
        f"select row_number() over () as page, json as doc from read_json_objects("
        f"{lit(str(path))}, format='auto', maximum_object_size={size})"
    )
    try:
        n_pages = con.execute(f"select count(*) from ({pages})").fetchone()[0]
    except duckdb.Error as exc:
        raise ExtractError(f"not a JSON document: {str(exc).splitlines()[0]}") from exc
    where = "'$'" if n_pages == 1 else "'$[' || (page - 1) || ']'"
    # The path reaches the array (or several, through [*]): its elements are the records.
    elements = (
        f"flatten(list_transform({list_sql(records, 'doc')}, a -> case when json_type(a) = "
        "'ARRAY' then json_extract(a, '$[*]') else [a] end))"
    )
    con.execute(
        "create or replace temp table _shape_rec as "
        "select row_number() over (order by page, i) as _ord, "
        "row_number() over (order by page, i) as _line, "
        f"{where} || {lit(_json_path_text(records))} || '[' || (i - 1) || ']' as _path, rec, "
        "coalesce(try(json_keys(rec)), []) as _keys "
        f"from (select page, unnest(arr) as rec, generate_subscripts(arr, 1) as i "
        f"from (select page, {elements} as arr from ({pages})))"
    )


def _json_path_text(records: str) -> str:
    return "." + records if not records.startswith("[") else records


def _explode(mapping: EntityMapping) -> str:
    """The rows: one per record, or with ``each`` one per element of that array."""
    if not mapping.each:
        return "(select *, null::json as elem from _shape_rec)"
    listed = list_sql(mapping.each, "rec")
    return (
        "(select row_number() over (order by _ord, j) as _ord, _line, "
        f"_path || {lit('.' + mapping.each)} || '#' || j as _path, rec, _keys, elem from ("
        f"select _ord, _line, _path, rec, _keys, unnest(l) as elem, "
        "generate_subscripts(l, 1) as j "
        f"from (select *, {listed} as l from _shape_rec)))"
    )


def _paths(mapping: EntityMapping) -> list[str]:
    found = [c for c in mapping.columns.values() if is_path(c) or c == EACH]
    if mapping.version and mapping.version not in found:
        found.append(mapping.version)
    for p in expression_paths(mapping):
        if p not in found:
            found.append(p)
    return found


def _older_sql(con: duckdb.DuckDBPyConnection, entity: Entity, mapping: EntityMapping) -> str:
    """Columns ``_k`` (the key) and ``_older``: whether a later version of the record exists.

    Per key the latest version wins: versions compare as numbers, else as instants, else as
    text; a tie keeps the later line (the later delivery). A record whose key or version
    cannot be read is not set aside: the row rules judge it. A version older than the one
    already in the warehouse (kept in ``extra``) is older too, so a late re-delivery never
    rolls a record back."""
    key, v = _key_sql(entity, mapping), q(mapping.version)
    stored = "false"
    if _has_rows(con, entity.name):
        stored = _newer_stored(entity, mapping, f"({key})::varchar", v)
    return (
        f"({key})::varchar as _k, case when ({key}) is null or {v} is null then false "
        f"else row_number() over (partition by ({key})::varchar order by "
        f"{_latest_first(v, '_line')}) > 1 or {stored} end as _older"
    )


def _latest_first(v: str, delivery: str) -> str:
    """Versions latest first: as numbers, else as instants, else as text; on a tie the later
    delivery (``delivery``: the line or position) wins."""
    return (f"try_cast({v} as double) desc nulls last, try_cast({v} as timestamptz) desc "
            f"nulls last, {v} desc nulls last, {delivery} desc")  # fmt: skip


def _newer_stored(entity: Entity, mapping: EntityMapping, key: str, v: str) -> str:
    """Whether the warehouse already holds a later version of the record keyed ``key`` (its
    version is kept in ``extra``): a late re-delivery never rolls a record back."""
    version = lit(mapping.version)
    return (f"exists (select 1 from raw.{entity.name} r where r.{entity.key} = {key} and "
            f"coalesce(try_cast(r.extra ->> {version} as double) > try_cast({v} as double), "
            f"try_cast(r.extra ->> {version} as timestamptz) > try_cast({v} as timestamptz), "
            "false))")  # fmt: skip


def _set_aside(
    con: duckdb.DuckDBPyConnection, source: ShapedSource, mapping: EntityMapping
) -> None:
    """The older versions go to ``_superseded`` (record as received, personal data hashed as in
    the quarantine); the source reads the rest."""
    names = source.columns
    record = "json_object(" + ", ".join(
        f"{lit(c)}, {f'pii_hash({q(c)})' if is_pii_column(c, mapping) else q(c)}" for c in names
    ) + ")::varchar"  # fmt: skip
    con.execute(
        "create or replace temp table _superseded as "
        f"select _line, _path, {record} as _record from _src where _older order by _line"
    )
    source.sql = "(select * exclude (_older, _k) from _src where not _older)"
    source.superseded = int(con.execute("select count(*) from _superseded").fetchone()[0])
    source.superseded_table = "_superseded"


def _key_sql(entity: Entity, mapping: EntityMapping) -> str:
    if entity.key in mapping.expressions:
        return mapping.expressions[entity.key]
    if entity.key in mapping.columns:
        return q(mapping.columns[entity.key])
    return q(entity.key)


def _has_rows(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' "
        f"and table_name = {lit(name)}"
    ).fetchone()[0]
    return bool(exists) and bool(
        con.execute(f"select exists (select 1 from raw.{name})").fetchone()[0]
    )


def record_superseded(
    con: duckdb.DuckDBPyConnection, source: Source, load_id: int, entity: str, file: str
) -> int:
    """Write a shaped source's superseded rows to ``meta.superseded``; their number."""
    table = getattr(source, "superseded_table", None)
    if not table:
        return 0
    con.execute(
        f"insert into meta.superseded select {int(load_id)}, {lit(entity)}, {lit(file)}, "
        f"_line, _path, _record from {table}"
    )
    con.execute(f"drop table if exists {table}")
    return int(getattr(source, "superseded", 0))
