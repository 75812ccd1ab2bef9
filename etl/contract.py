"""The data contract v1 as data: each entity's fields, types, enums and row rules.

Types: ``id`` and ``text`` (strings, trimmed), ``enum`` (one of ``values`` after mapping),
``ts`` (instant, stored UTC), ``date``, ``decimal`` (EUR amounts, DECIMAL(18,2)), ``int``, ``bool``.
Row rules are DuckDB SQL predicates over the typed fields; a row breaking one is quarantined
with the rule's message. See docs/data-contract.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A predicate that must not be false; ``field`` is the field a reader should look at."""

    field: str
    sql: str
    message: str


@dataclass(frozen=True)
class Entity:
    name: str
    key: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    optional: bool = False
    defaults_sql: dict[str, str] = field(default_factory=dict)

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def _f(name: str, type_: str, required: bool = False, values: str = "") -> Field:
    return Field(name, type_, required, tuple(values.split("|")) if values else ())


def _within(name: str, lo: str, hi: str) -> Rule:
    return Rule(
        name,
        f"{name} is null or ({name} >= {lo} and {name} <= {hi})",
        f"is outside [{lo}, {hi}]",
    )


def _not_before(name: str, ref: str) -> Rule:
    return Rule(name, f"{name} is null or {name} >= {ref}", f"is before {ref}")
