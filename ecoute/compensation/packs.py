"""Rule packs: compensation schemes as effective-dated data, loaded from YAML.

A pack names its country (for working days), currency, local time zone, exclusions and a
list of rules; each rule picks one generic kind from `rules.KINDS` and gives its parameters
and its rates, each rate with the date `from` which it applies. Adding a scheme, or a new
year's rates, is a YAML edit, never a code change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecoute.compensation.model import code
from ecoute.compensation.rules import KINDS
from ecoute.core.yamlfile import read_yaml

BUILTIN_DIR = Path(__file__).parent / "packs"


class PackError(ValueError):
    """A pack file is missing or says something the engine cannot apply."""


@dataclass(frozen=True)
class Rate:
    """Amounts in force from `effective_from` until the next rate's date."""

    effective_from: date
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: a generic kind, its parameters and its dated rates."""

    name: str
    kind: str
    applies_to: str
    params: Mapping[str, Any]
    rates: tuple[Rate, ...]

    def rate_on(self, day: date) -> Rate | None:
        """The rate in force on `day`: the latest one starting on or before it, else None."""
        in_force = [rate for rate in self.rates if rate.effective_from <= day]
        return in_force[-1] if in_force else None


@dataclass(frozen=True)
class Exclusions:
    """Ticket attributes that take an incident out of a pack (compared as `model.code`)."""

    root_causes: frozenset[str] = frozenset()
    service_loss: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pack:
    """A whole compensation scheme, as loaded from `<name>.yaml`."""

    name: str
    title: str
    country: str
    subdivision: str | None
    currency: str
    timezone: str
    source: str
    exclusions: Exclusions
    rules: tuple[Rule, ...]


def load_pack(name: str, extra_dirs: Sequence[Path] = ()) -> Pack:
    """Load pack `name` from the operator's `extra_dirs` (searched first) or the built-ins.

    The operator's directories come first so that a pack can be overridden, e.g. to add a
    year's published rates before the project ships them.
    """
    for directory in [*map(Path, extra_dirs), BUILTIN_DIR]:
        path = directory / f"{name}.yaml"
        if path.is_file():
            return parse_pack(read_yaml(path), source=path)
    raise PackError(f"no rule pack named {name!r}; known: {', '.join(available_packs(extra_dirs))}")


def available_packs(extra_dirs: Sequence[Path] = ()) -> list[str]:
    """Names of all packs that `load_pack` can find."""
    dirs = [*map(Path, extra_dirs), BUILTIN_DIR]
    return sorted({p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml")})


def parse_pack(doc: Mapping[str, Any], source: Path | str = "<memory>") -> Pack:
    """Build and check a Pack from a parsed YAML document."""
    if not isinstance(doc, Mapping):
        raise PackError(f"{source}: a pack is a mapping")
    missing = {"name", "country", "currency", "timezone", "rules"} - set(doc)
    if missing:
        raise PackError(f"{source}: missing {', '.join(sorted(missing))}")
    if isinstance(source, Path) and source.stem != doc["name"]:
        raise PackError(f"{source}: name {doc['name']!r} differs from the file name")
    rules = tuple(_parse_rule(r, source) for r in doc["rules"])
    if len({r.name for r in rules}) != len(rules):
        raise PackError(f"{source}: rule names repeat")
    return Pack(
        name=str(doc["name"]),
        title=str(doc.get("title", doc["name"])),
        country=str(doc["country"]),
        subdivision=doc.get("subdivision"),
        currency=str(doc["currency"]),
        timezone=str(doc["timezone"]),
        source=str(doc.get("source", "")),
        exclusions=_parse_exclusions(doc.get("exclusions") or {}),
        rules=rules,
    )


def _parse_exclusions(doc: Mapping[str, Any]) -> Exclusions:
    def lowered(key: str) -> frozenset[str]:
        return frozenset(c for v in doc.get(key) or () if (c := code(v)))

    return Exclusions(lowered("root_causes"), lowered("service_loss"), lowered("categories"))


def _parse_rule(doc: Mapping[str, Any], source: Path | str) -> Rule:
    name = doc.get("name", "?")
    kind = KINDS.get(doc.get("kind", ""))
    if kind is None:
        raise PackError(f"{source}: rule {name}: kind must be one of {', '.join(sorted(KINDS))}")
    if doc.get("applies_to") != kind.applies_to:
        raise PackError(f"{source}: rule {name}: kind {kind.name} applies to {kind.applies_to}")
    rates = tuple(sorted((_parse_rate(r, source, name) for r in doc.get("rates") or ()),
                         key=lambda r: r.effective_from))
    if not rates:
        raise PackError(f"{source}: rule {name}: at least one rate is needed")
    for rate in rates:
        absent = set(kind.rate_keys) - set(rate.values)
        if absent:
            raise PackError(f"{source}: rule {name}: rate from {rate.effective_from} "
                            f"lacks {', '.join(sorted(absent))}")
    if len({r.effective_from for r in rates}) != len(rates):
        raise PackError(f"{source}: rule {name}: two rates start on the same date")
    params = {**kind.default_params, **(doc.get("params") or {})}
    return Rule(str(name), kind.name, kind.applies_to, params, rates)


def _parse_rate(doc: Mapping[str, Any], source: Path | str, rule: str) -> Rate:
    start = doc.get("from")
    if not isinstance(start, date):
        raise PackError(f"{source}: rule {rule}: each rate needs `from: YYYY-MM-DD`")
    try:
        # Through str: YAML floats such as 9.33 must not become 9.3299999...
        values = {k: Decimal(str(v)) for k, v in doc.items() if k != "from"}
    except InvalidOperation as err:
        raise PackError(f"{source}: rule {rule}: rate from {start} is not a number") from err
    return Rate(start, values)
