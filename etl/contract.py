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


@dataclass(frozen=True)
class Bounds:
    """What a plausible value is, field type by field type (``[load]`` in the settings).

    Instants (``ts``) are events: between ``ts_min`` and ``ts_max`` (the load's start plus a
    year, computed by the pipeline: this module has no clock). Dates (a customer's start, a
    churn) may be older: from ``date_min``. Whole numbers are counts, decimals amounts (EUR).
    ``durations`` caps the span between two instants of one row (field, start field, hours).
    A value outside is quarantined naming its field, so no model ever sees year 3026."""

    ts_min: str = "1990-01-01"
    ts_max: str = "2100-01-01"
    date_min: str = "1900-01-01"
    date_max: str = "2100-01-01"
    int_min: int = 0
    int_max: int = 100_000_000
    decimal_min: float = -1_000_000
    decimal_max: float = 1_000_000
    durations: tuple[tuple[str, str, str, float], ...] = ()  # (entity, end, start, hours)
