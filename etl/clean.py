"""Clean: the pure step. Builds the SQL that types a batch, maps its codes and checks row rules.

Nothing here touches a file, a database or the clock: given the contract entity, its mapping and
the source's column names, it returns SQL text. The load step runs it where the data is (DuckDB),
which is what keeps a 5-million-row file fast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ecoute.core.sql_literals import literal
from ecoute.core.sql_literals import text as lit
from ecoute.etl.contract import Bounds, Entity, Field, Rule
from ecoute.etl.mapping import EntityMapping
from ecoute.etl.timezones import local_to_utc_sql

# Columns a reader adds beside the record's own (its line, its JSON path): never part of
# ``extra``. Only these: a vendor's own key that merely starts with "_" (Zendesk-style `_id`,
# a CSV `_note`) is the record's and is kept.
READER_COLUMNS = frozenset({"_line", "_path"})

TRUE_WORDS = ("true", "t", "1", "yes", "y", "oui", "o", "ja", "j", "vrai", "waar")
FALSE_WORDS = ("false", "f", "0", "no", "n", "non", "nee", "faux", "nein", "onwaar")
_OFFSET = r"([zZ]|[+-]\d\d(:?\d\d)?)$"
_PII_NAME = re.compile(
    r"e-?mail|courriel|phone|t[ée]l[ée]?phone|telefoon|^tel$|msisdn|mobile|gsm|^ani$|caller_?number",
    re.IGNORECASE,
)
_INT = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?[0-9]+(\.[0-9]+)?"
_DAY_US = 86_400_000_000
TYPE_WORDS = {"ts": "a timestamp", "date": "a date", "decimal": "a decimal number",
              "int": "a whole number", "bool": "a yes/no value"}  # fmt: skip


class CleanError(ValueError):
    """The batch cannot be cleaned at all (e.g. a required field has no source column)."""


@dataclass(frozen=True)
class CleanSQL:
    """``typed`` selects the typed fields, ``extra``, ``_row_hash``, ``_ok`` and, for rows that
    are not ok, ``_errors`` and ``_record``."""

    typed: str
    used_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def bind(sql: str, params: list[object]) -> str:
    """``sql`` with each ``?`` replaced by its value as a literal.

    The load path uses this instead of parameters: binding any Python value makes the duckdb
    module import pandas, which costs ~1 s per process. Only for SQL text whose ``?`` are all
    placeholders.
    """
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} values")
    out = [parts[0]]
    for value, part in zip(params, parts[1:], strict=True):
        out += [literal(value), part]
    return "".join(out)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def resolve_columns(entity: Entity, mapping: EntityMapping, columns: list[str]) -> dict[str, str]:
    """Which source column feeds each field (fields fed by expressions or absent are left out)."""
    by_norm = {_norm(c): c for c in columns}
    out = {}
    for f in entity.fields:
        if f.name in mapping.expressions:
            continue
        if f.name in mapping.columns:
            src = mapping.columns[f.name]
            if src not in columns:
                raise CleanError(
                    f"mapping names column {src!r} for {f.name}, but the file's columns are {columns}"
                )
            out[f.name] = src
        elif _norm(f.name) in by_norm:
            out[f.name] = by_norm[_norm(f.name)]
    missing = [
        f.name
        for f in entity.fields
        if f.required
        and f.name not in out
        and f.name not in mapping.expressions
        and f.name not in mapping.defaults
    ]
    if missing:
        raise CleanError(
            f"no column for required field(s) {missing}; the file's columns are {columns}"
        )
    return out


def clean_sql(
    entity: Entity,
    mapping: EntityMapping,
    columns: list[str],
    timezone: str,
    source: str,
    carry_line: bool = False,
    types: Mapping[str, str] | None = None,
    bounds: Bounds | None = None,
    carry: tuple[str, ...] = (),
) -> CleanSQL:
    """The typing and checking SQL for one batch read from ``source`` (a table or a table
    function such as ``read_csv(…)``, read once).

    Four stacked selects, so each step names the previous one's columns: text (trimmed, mapped),
    naive parses, typed fields, then the row's hash and its ``_ok`` flag. Failing rows alone get
    ``_errors`` (one "field: reason" per broken rule) and ``_record``, the record as received
    (JSON text of every source column): the source columns travel up the selects as references,
    so building a record costs nothing for the rows that pass. Rows come out in source order
    (the caller numbers them); ``_line`` is carried when the source has it.

    ``types`` gives the source columns' own types (Parquet); where one already is the field's
    type, the value is used as it is instead of being printed and parsed back (``native``).

    ``carry``: source columns passed through to the typed rows as they are (e.g. a record's
    version, which etl/shape.py compares once the rows are typed).

    ``bounds``: a value outside them is quarantined (an instant also never reaches the time zone
    conversion). A value that cannot be read is never replaced by a default: the contract's
    defaults (``defaults_sql``) fill only fields the record leaves empty.
    """
    bounds = bounds or Bounds()
    entity = _with_bounds(entity, bounds)
    feeds = resolve_columns(entity, mapping, columns)
    types = types or {}
    native = _native_fields(entity, mapping, feeds, types)
    used = set(feeds.values())
    # Columns read only by expressions stay in ``extra`` too: the record as received survives.
    extra = [c for c in columns if c not in used and c not in READER_COLUMNS]
    received = [c for c in columns if c != "_line"]
    text = [f"{_text_expr(f, mapping, feeds, types)} as {q('t__' + f.name)}"
            for f in entity.fields if f.name not in native]  # fmt: skip
    # A native value travels as it is: NULL exactly when it is absent, it cannot fail to parse.
    text += [f"{q(feeds[n])} as {q('t__' + n)}" for n in native]
    text.append(f"{_extra_expr(extra, mapping, types)} as extra")
    text += [f"{q(c)} as {q('s__' + c)}" for c in received]
    naive = [expr for f in entity.fields if f.type == "ts" and f.name not in native
             for expr in _naive_exprs(f, mapping)]  # fmt: skip
    typed = {f.name: _typed_expr(f, mapping, timezone, bounds) for f in entity.fields}
    typed.update({n: _native_expr(q("t__" + n), t, timezone, bounds) for n, t in native.items()})
    for name, default in entity.defaults_sql.items():
        # Only an empty value takes the default: an unreadable one stays NULL and is quarantined.
        typed[name] = (f"(case when {q('t__' + name)} is null then {typed.get(default, default)} "
                       f"else {typed[name]} end)")
    hash_args = ", ".join([f.name for f in entity.fields] + ["extra::varchar"])
    ok = " and ".join(_ok_terms(entity))
    errors = ", ".join(_error_terms(entity, mapping, bounds))
    carried = "".join(f"{q(c)}, " for c in (("_line",) if carry_line else ()) + tuple(carry))
    passed = _text_cols(entity) + "".join(f", {q('s__' + c)}" for c in received)
    # The record as received is text, whatever the source's types (as a CSV's would be).
    as_text = {"s__" + c: t for c, t in types.items()}
    # Personal data stay hashed in the quarantine too (docs/data-contract.md).
    record = "json_object(" + ", ".join(f"{lit(c)}, {_received(c, mapping, as_text)}"
                                        for c in received) + ")"  # fmt: skip
    sql = f"select {carried}" + ",\n  ".join(text) + f"\nfrom {source}"
    sql = f"select *, {', '.join(naive) or 'null as _none'} from (\n{sql}\n)"
    fields = ",\n  ".join(f"{typed[f.name]} as {f.name}" for f in entity.fields)
    sql = f"select {carried}extra, {fields},\n  {passed} from (\n{sql}\n)"
    sql = f"select *, hash({hash_args}) as _row_hash, ({ok}) as _ok from (\n{sql}\n)"
    sql = (
        f"select * exclude ({passed}), case when not _ok then "
        f"list_filter([{errors}], x -> x is not null) end as _errors, "
        f"case when not _ok then {record}::varchar end as _record from (\n{sql}\n)"
    )
    return CleanSQL(sql, tuple(sorted(used)), tuple(extra))


# DuckDB type names a field's type takes as it is (timestamps: local time unless they say UTC).
_NATIVE = {
    "ts": ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"),
    "int": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"),
    "date": ("DATE",),
    "bool": ("BOOLEAN",),
}


def _native_fields(
    entity: Entity, mapping: EntityMapping, feeds: dict[str, str], types: Mapping[str, str]
) -> dict[str, str]:
    """Fields whose source column already has the field's type: field → that type.

    A field the mapping rewrites (value codes, a default) stays on the text path."""
    return {
        f.name: types[feeds[f.name]]
        for f in entity.fields
        if f.name in feeds
        and types.get(feeds[f.name]) in _NATIVE.get(f.type, ())
        and f.name not in mapping.values
        and f.name not in mapping.defaults
    }


def _native_expr(col: str, duck_type: str, timezone: str, bounds: Bounds) -> str:
    if duck_type == "TIMESTAMP WITH TIME ZONE":
        return col
    if duck_type.startswith("TIMESTAMP"):  # naive: local time, as the contract reads text
        naive = f"cast({col} as timestamp)"
        return f"(case when {_far(naive, bounds)} then null else {local_to_utc_sql(naive, timezone)} end)"
    if duck_type in _NATIVE["int"]:
        return f"cast({col} as bigint)"
    return col


def _as_text(column: str, types: Mapping[str, str]) -> str:
    """A source column as text (a typed Parquet column is printed)."""
    if types.get(column, "VARCHAR") == "VARCHAR":
        return q(column)
    return f"cast({q(column)} as varchar)"


def _received(column: str, mapping: EntityMapping, types: Mapping[str, str]) -> str:
    if types.get("s__" + column) == "JSON":  # a JSON value stays JSON in the record
        return q("s__" + column)
    value = _as_text("s__" + column, types)
    return f"pii_hash({value})" if is_pii_column(column, mapping) else value


def _text_cols(entity: Entity) -> str:
    return ", ".join(q("t__" + f.name) for f in entity.fields)


def _text_expr(
    f: Field, mapping: EntityMapping, feeds: dict[str, str], types: Mapping[str, str]
) -> str:
    """The field's value as trimmed text, NULL when empty, after value mapping and defaults."""
    if f.name in mapping.expressions:
        base = _trimmed(f"cast(({mapping.expressions[f.name]}) as varchar)")
    elif f.name in feeds:
        base = _trimmed(_as_text(feeds[f.name], types))
    else:
        base = "cast(null as varchar)"
    if f.name in mapping.values:
        cases = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in mapping.values[f.name].items())
        base = f"coalesce(case lower({base}) {cases} end, {base})"
    if f.name in mapping.defaults:
        base = f"coalesce({base}, {lit(mapping.defaults[f.name])})"
    return base


def _trimmed(x: str) -> str:
    # trim() on every value costs 3× a plain copy; most values have no outer spaces to remove.
    return (
        f"nullif(case when starts_with({x}, ' ') or ends_with({x}, ' ') then trim({x}) "
        f"else {x} end, '')"
    )


def _with_bounds(entity: Entity, bounds: Bounds) -> Entity:
    """The entity with one range rule per typed field and the duration caps that concern it."""
    rules = list(entity.rules)
    ranges = {"ts": (f"timestamptz {lit(bounds.ts_min)}", f"timestamptz {lit(bounds.ts_max)}"),
              "date": (f"date {lit(bounds.date_min)}", f"date {lit(bounds.date_max)}"),
              "int": (str(int(bounds.int_min)), str(int(bounds.int_max))),
              "decimal": (repr(float(bounds.decimal_min)), repr(float(bounds.decimal_max)))}  # fmt: skip
    for f in entity.fields:
        if f.type in ranges:
            lo, hi = ranges[f.type]
            shown = _shown(f.type, bounds)
            rules.append(Rule(f.name, f"{f.name} is null or {f.name} between {lo} and {hi}",
                              f"is outside the plausible range {shown} ([load] bounds)"))  # fmt: skip
    for name, end, start, hours in bounds.durations:
        if name == entity.name:
            rules.append(Rule(end, f"{end} is null or {start} is null or "
                              f"{end} <= {start} + to_microseconds({int(hours * 3_600_000_000)})",
                              f"is more than {hours:g} h after {start} ([load] bounds)"))  # fmt: skip
    return Entity(entity.name, entity.key, entity.fields, tuple(rules), entity.optional,
                  entity.defaults_sql)  # fmt: skip


def _shown(type_: str, b: Bounds) -> str:
    lo, hi = {"ts": (b.ts_min, b.ts_max), "date": (b.date_min, b.date_max),
              "int": (b.int_min, b.int_max), "decimal": (b.decimal_min, b.decimal_max)}[type_]  # fmt: skip
    return f"{lo} .. {hi}"


def _typed_expr(f: Field, mapping: EntityMapping, timezone: str, bounds: Bounds) -> str:
    t = q("t__" + f.name)
    fmt = mapping.format_for(f.name, f.type)
    if f.type == "id":
        # A NUL inside an id is a broken export, not part of the id.
        return f"(case when contains({t}, chr(0)) then null else {t} end)"
    if f.type == "text":
        return t
    # list_contains, not IN: DuckDB turns an IN list of 5 or more values into a join, and a
    # join in the read's pipeline costs the CREATE TABLE its parallel, order-keeping insert.
    if f.type == "enum":
        allowed = ", ".join(lit(v) for v in f.values)
        return f"(case when list_contains([{allowed}], lower({t})) then lower({t}) end)"
    if f.type == "bool":
        trues = ", ".join(lit(w) for w in TRUE_WORDS)
        falses = ", ".join(lit(w) for w in FALSE_WORDS)
        return (
            f"(case when list_contains([{trues}], lower({t})) then true "
            f"when list_contains([{falses}], lower({t})) then false end)"
        )
    if f.type == "int":
        # Integers only: DuckDB's cast would round '1.5' and read '0x10' and '1_000'.
        return f"(case when regexp_full_match({t}, {lit(_INT)}) then try_cast({t} as bigint) end)"
    if f.type == "decimal":
        d = _decimal_text(t, mapping)
        return (f"(case when regexp_full_match({d}, {lit(_DECIMAL)}) "
                f"then try_cast({d} as decimal(18,2)) end)")  # fmt: skip
    if f.type == "date":
        if fmt:
            return f"cast(try_strptime({t}, {lit(fmt)}) as date)"
        return f"coalesce(try_cast({t} as date), cast(try_cast({t} as timestamptz) as date))"
    if f.type == "ts":
        return _ts_expr(f, fmt, timezone, bounds)
    raise ValueError(f"unknown type {f.type}")


def _naive_exprs(f: Field, mapping: EntityMapping) -> list[str]:
    """A ts field's text read as a naive TIMESTAMP (``n__``), and for text without a format
    whether it carries an offset (``o__``: then ``n__`` is not its reading)."""
    t, n = q("t__" + f.name), q("n__" + f.name)
    fmt = mapping.format_for(f.name, f.type)
    if fmt and "%z" in fmt.replace("%Z", "%z"):
        return [f"cast(null as timestamp) as {n}"]
    if fmt:
        return [f"try_strptime({t}, {lit(fmt)}) as {n}"]
    # Tested once per value: the test slices the text, which costs as much as the parse.
    return [f"{_has_offset(t)} as {q('o__' + f.name)}", f"try_cast({t} as timestamp) as {n}"]


def _has_offset(t: str) -> str:
    # Only text longer than 'YYYY-MM-DD HH:MM:SS' can end in Z, +hh, +hhmm or +hh:mm; a CASE,
    # not an AND: in a projection DuckDB evaluates both sides of an AND on every row, a CASE
    # only the rows whose condition holds. One anchored regular expression costs half of
    # slicing the text four times.
    return f"(case when strlen({t}) > 19 then regexp_matches({t}, {lit(_OFFSET)}) else false end)"


def _ts_expr(f: Field, fmt: str | None, timezone: str, bounds: Bounds) -> str:
    """Instants: with an offset as given; naive ones are local time in ``timezone``.

    At the DST fall-back hour a naive time is ambiguous: it is read with the standard offset
    (the later instant); a time in the spring-forward gap is read with the standard offset too.
    See etl/timezones.py and docs/data-contract.md.
    """
    t, n = q("t__" + f.name), q("n__" + f.name)
    if fmt and "%z" in fmt.replace("%Z", "%z"):
        return f"try_strptime({t}, {lit(fmt)})"
    local = local_to_utc_sql(n, timezone)
    # A naive time far outside the bounds never reaches the conversion (ICU fails on some).
    far = _far(n, bounds)
    if fmt:
        return f"(case when {far} then null else {local} end)"
    # Text carrying an offset is that instant (``n__`` dropped the offset: see _naive_exprs).
    o = q("o__" + f.name)
    return (f"(case when {_not_an_instant(n, t)} then null when {o} then try_cast({t} as timestamptz) "
            f"when {far} then null else {local} end)")  # fmt: skip


def _far(n: str, bounds: Bounds) -> str:
    """Whether the naive time is more than a day outside the instant bounds."""
    return (f"({n} < timestamp {lit(bounds.ts_min)} - interval 1 day "
            f"or {n} > timestamp {lit(bounds.ts_max)} + interval 1 day)")  # fmt: skip


def _not_an_instant(n: str, t: str) -> str:
    """A date without a time, or '24:00': both parse as a midnight, so only midnights are
    looked at (a CASE: the text test runs on those rows alone)."""
    return (f"(case when epoch_us({n}) % {_DAY_US} = 0 then strlen({t}) <= 10 "
            f"or contains({t}, '24:') else false end)")


def _decimal_text(t: str, mapping: EntityMapping) -> str:
    """The contract's decimal text: a point, no thousands separator, unless the mapping sets a
    ``decimal`` comma and a ``thousands`` separator (then those are read and nothing else)."""
    if mapping.thousands:
        t = f"replace({t}, {lit(mapping.thousands)}, '')"
    if mapping.decimal == ",":
        t = f"replace({t}, ',', '.')"
    return t


def _ok_terms(entity: Entity) -> list[str]:
    terms = []
    for f in entity.fields:
        if f.required:
            terms.append(f"{f.name} is not null")
        elif f.type != "text":
            terms.append(f"({f.name} is not null or {q('t__' + f.name)} is null)")
    terms += [f"coalesce({r.sql}, true)" for r in entity.rules]
    return terms or ["true"]


def _error_terms(entity: Entity, mapping: EntityMapping, bounds: Bounds) -> list[str]:
    terms = []
    for f in entity.fields:
        t = q("t__" + f.name)
        if f.required:
            terms.append(f"case when {t} is null then '{f.name}: required field is empty' end")
        if f.type == "id":
            msg = f"'{f.name}: contains a NUL character'"
            terms.append(f"case when {t} is not null and {f.name} is null then {msg} end")
        elif f.type == "ts":
            terms.append(_ts_error(f, mapping, bounds))
        elif f.type == "enum":
            allowed = "|".join(f.values)
            msg = f"'{f.name}: unknown value \"' || left(cast({t} as varchar), 80) || '\" (expected {allowed})'"
            terms.append(f"case when {t} is not null and {f.name} is null then {msg} end")
        elif f.type != "text":
            msg = f"'{f.name}: cannot read \"' || left(cast({t} as varchar), 80) || '\" as {TYPE_WORDS[f.type]}'"
            terms.append(f"case when {t} is not null and {f.name} is null then {msg} end")
    for r in entity.rules:
        terms.append(f"case when not coalesce({r.sql}, true) then '{r.field}: {r.message}' end")
    return terms


def _ts_error(f: Field, mapping: EntityMapping, bounds: Bounds) -> str:
    """Why an instant's text gave no instant (computed for failing rows only)."""
    t = f"cast({q('t__' + f.name)} as varchar)"  # a Parquet column may be a timestamp
    fmt = mapping.format_for(f.name, f.type)
    naive = f"try_strptime({t}, {lit(fmt)})" if fmt else f"try_cast({t} as timestamp)"
    if fmt and "%z" in fmt.replace("%Z", "%z"):
        naive = "cast(null as timestamp)"
    said = f"'{f.name}: \"' || left(cast({t} as varchar), 80) || '\" '"
    shown = _shown("ts", bounds)
    special = "" if fmt else (
        f"when {_not_an_instant(naive, t)} then {said} || case when strlen({t}) <= 10 then "
        f"'is a date without a time (a mapping timestamp_format can allow it)' "
        f"else 'has hour 24' end ")
    return (f"case when {t} is not null and {f.name} is null then case {special}"
            f"when {_far(naive, bounds)} then {said} || 'is outside the plausible range {shown} "
            f"([load] bounds)' else '{f.name}: cannot read \"' || left(cast({t} as varchar), 80) || '\" as a timestamp' end end")


def _extra_expr(extra: list[str], mapping: EntityMapping, types: Mapping[str, str]) -> str:
    """Columns beyond the contract, kept as JSON; phone numbers and e-mails only as keyed hashes.

    A JSON column (a vendor record's nested object, number or string, etl/shape.py) goes in as
    the JSON it is: an object stays an object, not its text escaped into a string."""
    if not extra:
        return "cast(null as json)"
    parts = []
    for c in extra:
        if types.get(c) == "JSON":
            parts.append(f"{lit(c)}, {q(c)}")
            continue
        value = _trimmed(_as_text(c, types))
        if c in mapping.pii or _PII_NAME.search(c):
            value = f"pii_hash({value})"
        parts.append(f"{lit(c)}, {value}")
    return f"json_object({', '.join(parts)})"


def is_pii_column(name: str, mapping: EntityMapping) -> bool:
    return name in mapping.pii or bool(_PII_NAME.search(name))
