"""Clean: the pure step. Builds the SQL that types a batch, maps its codes and checks row rules.

Nothing here touches a file, a database or the clock: given the contract entity, its mapping and
the source's column names, it returns SQL text. The load step runs it where the data is (DuckDB),
which is what keeps a 5-million-row file fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.contract import Entity, Field
from etl.mapping import EntityMapping

TRUE_WORDS = ("true", "t", "1", "yes", "y", "oui", "o", "ja", "j", "vrai", "waar")
FALSE_WORDS = ("false", "f", "0", "no", "n", "non", "nee", "faux", "nein", "onwaar")
_OFFSET = r"([zZ]|[+-]\d\d(:?\d\d)?)$"
_PII_NAME = re.compile(
    r"e-?mail|courriel|phone|t[ée]l[ée]?phone|telefoon|^tel$|msisdn|mobile|gsm|^ani$|caller_?number",
    re.IGNORECASE,
)
TYPE_WORDS = {"ts": "a timestamp", "date": "a date", "decimal": "a decimal number",
              "int": "a whole number", "bool": "a yes/no value"}  # fmt: skip


class CleanError(ValueError):
    """The batch cannot be cleaned at all (e.g. a required field has no source column)."""


@dataclass(frozen=True)
class CleanSQL:
    """``typed`` selects typed fields, ``_ok``, ``extra`` and ``_row_hash`` from the source table;
    ``errors`` selects (_ord, errors) for rows of the typed table that are not ``_ok``."""

    typed: str
    errors: str
    used_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """Quote a string literal."""
    return "'" + value.replace("'", "''") + "'"


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
        if f.required and f.name not in out and f.name not in mapping.expressions
        and f.name not in mapping.defaults
    ]
    if missing:
        raise CleanError(f"no column for required field(s) {missing}; the file's columns are {columns}")
    return out


def clean_sql(
    entity: Entity, mapping: EntityMapping, columns: list[str], timezone: str, source: str
) -> CleanSQL:
    """The typing and checking SQL for one batch read into table ``source``."""
    feeds = resolve_columns(entity, mapping, columns)
    text = {f.name: _text_expr(f, mapping, feeds) for f in entity.fields}
    typed = {f.name: _typed_expr(f, text[f.name], mapping, timezone) for f in entity.fields}
    for name, default in entity.defaults_sql.items():
        typed[name] = f"coalesce({typed[name]}, {typed.get(default, default)})"
    # Columns read only by expressions stay in ``extra`` too: the record as received survives.
    used = set(feeds.values())
    extra = [c for c in columns if c not in used and not c.startswith("_")]
    ok = " and ".join(_ok_terms(entity, text))
    select = [f"{text[f.name]} as {q('t__' + f.name)}" for f in entity.fields]
    select += [f"{typed[f.name]} as {f.name}" for f in entity.fields]
    select.append(f"{_extra_expr(extra, mapping)} as extra")
    hash_args = ", ".join([f.name for f in entity.fields] + ["extra::varchar"])
    # Typed fields first, then rules over them: an outer select, because inside the inner one a
    # field's name still means the source column of that name.
    inner = "select _ord, _line,\n  " + ",\n  ".join(select) + f"\nfrom {source}"
    typed_sql = f"select *, hash({hash_args}) as _row_hash, ({ok}) as _ok from (\n{inner}\n)"
    errors = ", ".join(_error_terms(entity, text))
    errors_sql = (
        f"select _ord, list_filter([{errors}], x -> x is not null) as errors\n"
        "from {typed} where not _ok"
    )
    return CleanSQL(typed_sql, errors_sql, tuple(sorted(used)), tuple(extra))


def _text_expr(f: Field, mapping: EntityMapping, feeds: dict[str, str]) -> str:
    """The field's value as trimmed text, NULL when empty, after value mapping and defaults."""
    if f.name in mapping.expressions:
        base = f"nullif(trim(cast(({mapping.expressions[f.name]}) as varchar)), '')"
    elif f.name in feeds:
        base = f"nullif(trim({q(feeds[f.name])}), '')"
    else:
        base = "cast(null as varchar)"
    if f.name in mapping.values:
        cases = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in mapping.values[f.name].items())
        base = f"coalesce(case lower({base}) {cases} end, {base})"
    if f.name in mapping.defaults:
        base = f"coalesce({base}, {lit(mapping.defaults[f.name])})"
    return base


def _typed_expr(f: Field, t: str, mapping: EntityMapping, timezone: str) -> str:
    fmt = mapping.format_for(f.name, f.type)
    if f.type in ("id", "text"):
        return t
    if f.type == "enum":
        allowed = ", ".join(lit(v) for v in f.values)
        return f"(case when lower({t}) in ({allowed}) then lower({t}) end)"
    if f.type == "bool":
        trues = ", ".join(lit(w) for w in TRUE_WORDS)
        falses = ", ".join(lit(w) for w in FALSE_WORDS)
        return f"(case when lower({t}) in ({trues}) then true when lower({t}) in ({falses}) then false end)"
    if f.type == "int":
        return f"try_cast({t} as bigint)"
    if f.type == "decimal":
        return f"try_cast({_decimal_text(t, mapping.decimal)} as decimal(18,2))"
    if f.type == "date":
        if fmt:
            return f"cast(try_strptime({t}, {lit(fmt)}) as date)"
        return f"coalesce(try_cast({t} as date), cast(try_cast({t} as timestamptz) as date))"
    if f.type == "ts":
        return _ts_expr(t, fmt, timezone)
    raise ValueError(f"unknown type {f.type}")


def _ts_expr(t: str, fmt: str | None, timezone: str) -> str:
    """Instants: with an offset as given; naive ones are local time in ``timezone``.

    At the DST fall-back hour a naive time is ambiguous; DuckDB (ICU) takes the later instant
    (standard time). A time in the spring-forward gap is read with the standard offset. Both rules
    are tested and documented in docs/data-contract.md.
    """
    tz = lit(timezone)
    if fmt and "%z" in fmt.replace("%Z", "%z"):
        return f"try_strptime({t}, {lit(fmt)})"
    if fmt:
        return f"timezone({tz}, try_strptime({t}, {lit(fmt)}))"
    return (
        f"(case when regexp_matches({t}, {lit(_OFFSET)}) then try_cast({t} as timestamptz) "
        f"else timezone({tz}, try_cast({t} as timestamp)) end)"
    )


def _decimal_text(t: str, decimal: str) -> str:
    if decimal == ",":
        return f"replace(replace(replace({t}, ' ', ''), '.', ''), ',', '.')"
    return f"replace(replace({t}, ' ', ''), ',', '')"


def _ok_terms(entity: Entity, text: dict[str, str]) -> list[str]:
    terms = []
    for f in entity.fields:
        if f.required:
            terms.append(f"{f.name} is not null")
        elif f.type not in ("id", "text"):
            terms.append(f"({f.name} is not null or {q('t__' + f.name)} is null)")
    terms += [f"coalesce({r.sql}, true)" for r in entity.rules]
    return terms or ["true"]


def _error_terms(entity: Entity, text: dict[str, str]) -> list[str]:
    terms = []
    for f in entity.fields:
        t = q("t__" + f.name)
        if f.required:
            terms.append(f"case when {t} is null then '{f.name}: required field is empty' end")
        if f.type == "enum":
            allowed = "|".join(f.values)
            msg = f"'{f.name}: unknown value \"' || {t} || '\" (expected {allowed})'"
            terms.append(f"case when {t} is not null and {f.name} is null then {msg} end")
        elif f.type not in ("id", "text"):
            msg = f"'{f.name}: cannot read \"' || {t} || '\" as {TYPE_WORDS[f.type]}'"
            terms.append(f"case when {t} is not null and {f.name} is null then {msg} end")
    for r in entity.rules:
        terms.append(f"case when not coalesce({r.sql}, true) then '{r.field}: {r.message}' end")
    return terms


def _extra_expr(extra: list[str], mapping: EntityMapping) -> str:
    """Columns beyond the contract, kept as JSON; phone numbers and e-mails only as keyed hashes."""
    if not extra:
        return "cast(null as json)"
    parts = []
    for c in extra:
        value = f"nullif(trim({q(c)}), '')"
        if c in mapping.pii or _PII_NAME.search(c):
            value = f"pii_hash({value})"
        parts.append(f"{lit(c)}, {value}")
    return f"json_object({', '.join(parts)})"


def is_pii_column(name: str, mapping: EntityMapping) -> bool:
    return name in mapping.pii or bool(_PII_NAME.search(name))
