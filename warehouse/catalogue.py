"""The metric catalogue (``warehouse/metrics.yml``), loaded once into frozen dataclasses.

The only place a metric is named: the metric marts are generated from it (the runner renders
``warehouse/macros/metric_marts.sql.j2`` with it), and every reader — ``ecoute metrics``, the
weekly report, alerts, the dashboard, the notebook helper, docs/metrics.md's table — takes its
names, labels, directions, targets and settling rules from here. It lives in the warehouse
layer because the marts are generated from it; readers import it from here (layers point down).

A mistake in the file raises :class:`CatalogueError` naming the file and the metric.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ecoute.core.yamlfile import read_yaml

CATALOGUE_FILE = Path(__file__).with_name("metrics.yml")

KINDS = ("ratio", "mean", "count", "percentile")
UNITS = ("percent", "count", "seconds", "hours", "days", "per_ticket")
DIRECTIONS = ("higher", "lower", "none")
FAILURES = ("operator", "customer", "none")
SECTIONS = ("contact_centre", "field_visits", "repairs", "communication")
LANGUAGES = ("en", "fr", "nl")
SETTLING_UNITS = ("days", "hours")
HORIZONS = ("data", "contacts")
AGGREGATES = ("count", "sum", "count_values", "quantile")

# Words of a condition that are not column names (conditions are small SQL expressions).
_SQL_WORDS = {
    "and", "or", "not", "is", "null", "true", "false", "in", "between", "like", "case", "when",
    "then", "else", "end", "distinct",
}  # fmt: skip
_IDENT = re.compile(r"'[^']*'|\b([a-z_][a-z0-9_]*)\b(\s*\()?", re.IGNORECASE)


class CatalogueError(ValueError):
    """The metric catalogue is not valid (the message names the file and the metric)."""


@dataclass(frozen=True)
class Aggregate:
    """One number of a metric, aggregated over its source's rows: ``count`` rows where
    ``where`` holds, ``count_values`` / ``sum`` / ``quantile`` (at ``q``) of ``column``."""

    fn: str
    where: str = "true"
    column: str | None = None
    q: float | None = None

    def columns(self) -> tuple[str, ...]:
        """The source columns it reads."""
        found = columns_of(self.where)
        return tuple(dict.fromkeys(((self.column,) if self.column else ()) + found))


@dataclass(frozen=True)
class Target:
    green: float
    red: float


@dataclass(frozen=True)
class Settling:
    """A value is final ``window`` (a build parameter, in ``unit``) after its period ends,
    once the ``horizon`` (data: anything recorded; contacts: calls and messages) is past."""

    window: str | None = None
    unit: str = "days"
    horizon: str = "data"


@dataclass(frozen=True)
class Source:
    name: str
    mart: str
    fact: str
    date: str
    rows: str = "true"
    columns: Mapping[str, str] = field(default_factory=dict)  # mart column → fact column


@dataclass(frozen=True)
class Mart:
    name: str
    dimensions: tuple[tuple[str, str], ...]  # (dimension, events column)
    by_region: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    unit: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    direction: str
    failure: str
    section: str
    source: str
    numerator: Aggregate | None
    denominator: Aggregate | None
    value: Aggregate | None = None
    target: Target | None = None
    settles: Settling = field(default_factory=Settling)
    parts: tuple[tuple[str, str], ...] = ()
    whole: bool = True
    distribution: str | None = None

    @property
    def stored(self) -> tuple[str, ...]:
        """The names the marts store: the metric itself (unless ``whole: false``), its parts."""
        own = (self.name,) if self.whole else ()
        return own + tuple(f"{self.name}.{part}" for part, _ in self.parts)

    def text(self, lang: str = "en") -> str:
        return self.label.get(lang) or self.label["en"]


@dataclass(frozen=True)
class Catalogue:
    marts: Mapping[str, Mart]
    sources: Mapping[str, Source]
    metrics: tuple[Metric, ...]
    path: Path

    @property
    def names(self) -> tuple[str, ...]:
        """The catalogue's metrics, in order (parts not included)."""
        return tuple(m.name for m in self.metrics)

    @property
    def stored(self) -> tuple[str, ...]:
        """Every name the marts store, parts included, in catalogue order."""
        return tuple(n for m in self.metrics for n in m.stored)

    def get(self, name: str) -> Metric | None:
        """The metric named (a part ``metric.part`` gives its metric), or None."""
        base = name.split(".")[0]
        return next((m for m in self.metrics if m.name == base), None)

    def __getitem__(self, name: str) -> Metric:
        metric = self.get(name)
        if metric is None:
            raise KeyError(f"{name!r} is not a metric of {self.path}")
        return metric

    def in_section(self, section: str) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.section == section)

    def of_mart(self, mart: str) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if self.sources[m.source].mart == mart)

    def sources_of(self, mart: str) -> tuple[Source, ...]:
        return tuple(s for s in self.sources.values() if s.mart == mart)

    def targets(self) -> dict[str, Target]:
        """The catalogue's default targets (configuration overrides them: reports/metrics.py)."""
        return {m.name: m.target for m in self.metrics if m.target is not None}

    # -------------------------------------------------- what the mart template needs

    def event_columns(self, mart: str) -> tuple[str, ...]:
        """The source columns the mart's metrics read, in first-use order."""
        found: dict[str, None] = {}
        for metric in self.of_mart(mart):
            for agg in _aggregates_of(metric):
                found.update(dict.fromkeys(agg.columns()))
        dims = {"region", "segment", *(column for _, column in self.marts[mart].dimensions)}
        return tuple(c for c in found if c not in dims)

    def source_columns(self, source: str) -> frozenset[str]:
        """The columns a source's own metrics read (the others are null on its rows)."""
        cols: set[str] = set()
        for metric in self.metrics:
            if metric.source == source:
                for agg in _aggregates_of(metric):
                    cols.update(agg.columns())
        return frozenset(cols)

    def aggregates(self, mart: str) -> list[dict[str, Any]]:
        """The mart's aggregate columns, each computed once however many metrics use it."""
        seen: dict[tuple[Any, ...], dict[str, Any]] = {}
        for metric, name in self._unpivot(mart):
            for key, agg in _named_aggregates(metric, name):
                ident = (metric.source, agg)
                if ident not in seen:
                    seen[ident] = {"alias": f"agg_{len(seen)}", "source": metric.source,
                                   "agg": agg, "first_use": f"{name} {key}"}  # fmt: skip
        return list(seen.values())

    def unpivot(self, mart: str) -> list[dict[str, Any]]:
        """One entry per stored metric name of the mart: its kind and its aggregates' aliases."""
        alias = {(a["source"], a["agg"]): a["alias"] for a in self.aggregates(mart)}
        out = []
        for metric, name in self._unpivot(mart):
            parts = dict(_named_aggregates(metric, name))
            out.append({
                "metric": name,
                "kind": metric.kind,
                **{k: alias.get((metric.source, parts.get(k))) for k in
                   ("numerator", "denominator", "value")},
            })  # fmt: skip
        return out

    def _unpivot(self, mart: str) -> list[tuple[Metric, str]]:
        return [(m, name) for m in self.of_mart(mart) for name in m.stored]


def _aggregates_of(metric: Metric) -> list[Aggregate]:
    """Every aggregate the metric's stored names use (the whole and each part)."""
    return [a for name in metric.stored for _, a in _named_aggregates(metric, name)]


def _named_aggregates(metric: Metric, name: str | None = None) -> list[tuple[str, Aggregate]]:
    """(numerator | denominator | value, aggregate) of the metric, or of one stored part."""
    numerator = metric.numerator
    part = (name or metric.name).partition(".")[2]
    if part and numerator is not None:
        condition = dict(metric.parts)[part]
        where = condition if numerator.where == "true" else f"({numerator.where}) and ({condition})"
        numerator = Aggregate(numerator.fn, where, numerator.column, numerator.q)
    named = (("numerator", numerator), ("denominator", metric.denominator), ("value", metric.value))
    return [(k, a) for k, a in named if a is not None]


def columns_of(condition: str) -> tuple[str, ...]:
    """The column names a small SQL condition reads (not its keywords, functions or strings)."""
    found = []
    for match in _IDENT.finditer(condition):
        word, call = match.group(1), match.group(2)
        if word and not call and word.lower() not in _SQL_WORDS:
            found.append(word)
    return tuple(dict.fromkeys(found))


# ------------------------------------------------------------------ loading


@cache
def load(path: Path = CATALOGUE_FILE) -> Catalogue:
    """The catalogue, validated (cached: the file ships with the code)."""
    raw = read_yaml(path)
    where = str(path)
    marts = {name: _mart(name, spec, where) for name, spec in (raw.get("marts") or {}).items()}
    sources = {
        name: _source(name, spec, marts, where) for name, spec in (raw.get("sources") or {}).items()
    }
    metrics = []
    for spec in raw.get("metrics") or []:
        name = spec.get("name") if isinstance(spec, dict) else None
        if not name:
            raise CatalogueError(f"{where}: a metric without a name: {spec!r}")
        if any(m.name == name for m in metrics):
            raise CatalogueError(f"{where}: metric {name!r} is defined twice")
        metrics.append(_metric(name, spec, sources, where))
    if not metrics:
        raise CatalogueError(f"{where}: no metrics")
    for metric in metrics:
        if metric.source not in sources:
            raise _fail(where, f"metric {metric.name!r}", f"unknown source {metric.source!r}")
    return Catalogue(MappingProxyType(marts), MappingProxyType(sources), tuple(metrics), path)


def _fail(where: str, what: str, message: str) -> CatalogueError:
    return CatalogueError(f"{where}: {what}: {message}")


def _one_of(where: str, what: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(where, what, f"{key} is {value!r}, not one of {', '.join(allowed)}")
    return str(value)


def _mart(name: str, spec: Any, where: str) -> Mart:
    what = f"mart {name!r}"
    if not isinstance(spec, dict) or not isinstance(spec.get("dimensions"), dict):
        raise _fail(where, what, "needs dimensions: {dimension: column}")
    dims = tuple((str(d), str(c)) for d, c in spec["dimensions"].items())
    by_region = tuple(str(d) for d in spec.get("by_region") or ())
    unknown = set(by_region) - {d for d, _ in dims}
    if unknown:
        raise _fail(where, what, f"by_region names unknown dimensions {sorted(unknown)}")
    return Mart(name, dims, by_region)


def _source(name: str, spec: Any, marts: Mapping[str, Mart], where: str) -> Source:
    what = f"source {name!r}"
    if not isinstance(spec, dict):
        raise _fail(where, what, "must be a mapping")
    missing = [k for k in ("mart", "fact", "date") if not spec.get(k)]
    if missing:
        raise _fail(where, what, f"missing {', '.join(missing)}")
    if spec["mart"] not in marts:
        raise _fail(where, what, f"mart {spec['mart']!r} is not under marts:")
    return Source(
        name=name,
        mart=spec["mart"],
        fact=spec["fact"],
        date=spec["date"],
        rows=str(spec.get("rows") or "true"),
        columns=MappingProxyType(dict(spec.get("columns") or {})),
    )


def _metric(name: str, spec: dict[str, Any], sources: Mapping[str, Source], where: str) -> Metric:
    what = f"metric {name!r}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise _fail(where, what, "a name is lower-case letters, digits and _")
    known = {"name", "kind", "unit", "label", "description", "direction", "failure", "target",
             "section", "settles", "source", "numerator", "denominator", "value", "parts",
             "whole", "distribution"}  # fmt: skip
    extra = set(spec) - known
    if extra:
        raise _fail(where, what, f"unknown keys {sorted(extra)}")
    kind = _one_of(where, what, "kind", spec.get("kind"), KINDS)
    if spec.get("source") not in sources:
        raise _fail(where, what, f"source {spec.get('source')!r} is not under sources:")
    numerator = _aggregate(spec.get("numerator"), where, f"{what} numerator")
    denominator = _aggregate(spec.get("denominator"), where, f"{what} denominator")
    value = _aggregate(spec.get("value"), where, f"{what} value")
    needs = {
        "count": (numerator, "numerator"),
        "ratio": (numerator and denominator, "numerator and denominator"),
        "mean": (numerator and denominator, "numerator and denominator"),
        "percentile": (value and denominator, "value and denominator"),
    }[kind]
    if not needs[0]:
        raise _fail(where, what, f"a {kind} needs {needs[1]}")
    if kind == "percentile" and (value is None or value.fn != "quantile"):
        raise _fail(where, what, "a percentile's value is {quantile: column, q: …}")
    parts = tuple((str(p), str(c)) for p, c in (spec.get("parts") or {}).items())
    return Metric(
        name=name,
        kind=kind,
        unit=_one_of(where, what, "unit", spec.get("unit"), UNITS),
        label=_texts(spec.get("label"), where, f"{what} label"),
        description=_texts(spec.get("description"), where, f"{what} description"),
        direction=_one_of(where, what, "direction", spec.get("direction"), DIRECTIONS),
        failure=_one_of(where, what, "failure", spec.get("failure"), FAILURES),
        section=_one_of(where, what, "section", spec.get("section"), SECTIONS),
        source=spec["source"],
        numerator=numerator,
        denominator=denominator,
        value=value,
        target=_target(spec.get("target"), spec.get("direction"), where, what),
        settles=_settling(spec.get("settles"), where, what),
        parts=parts,
        whole=bool(spec.get("whole", True)),
        distribution=spec.get("distribution"),
    )


def _texts(value: Any, where: str, what: str) -> Mapping[str, str]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise _fail(where, what, f"needs a text in each of {', '.join(LANGUAGES)}")
    return MappingProxyType({lang: str(value[lang]) for lang in LANGUAGES})


def _aggregate(value: Any, where: str, what: str) -> Aggregate | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(where, what, "must be a mapping such as {count: <condition>}")
    fns = [k for k in AGGREGATES if k in value]
    if len(fns) != 1 or set(value) - {*AGGREGATES, "where", "q"}:
        raise _fail(where, what, f"needs exactly one of {', '.join(AGGREGATES)} (and where, q)")
    fn = fns[0]
    if fn == "count":
        return Aggregate("count", where=str(value["count"]))
    q = value.get("q")
    if fn == "quantile" and not (isinstance(q, (int, float)) and 0 <= q <= 1):
        raise _fail(where, what, "a quantile needs q between 0 and 1")
    return Aggregate(fn, where=str(value.get("where") or "true"), column=str(value[fn]), q=q)


def _target(value: Any, direction: Any, where: str, what: str) -> Target | None:
    if value is None:
        return None
    try:
        target = Target(float(value["green"]), float(value["red"]))
    except (TypeError, KeyError, ValueError):
        raise _fail(where, what, "target is {green: <number>, red: <number>}") from None
    lower = target.green < target.red
    if direction not in ("higher", "lower") or lower != (direction == "lower"):
        raise _fail(where, what, f"target {value} does not agree with direction {direction!r}")
    return target


def _settling(value: Any, where: str, what: str) -> Settling:
    if value is None:
        return Settling()
    if not isinstance(value, dict) or not value.get("window"):
        raise _fail(where, what, "settles is {window: <build parameter>, unit, horizon}")
    return Settling(
        window=str(value["window"]),
        unit=_one_of(where, what, "settles.unit", value.get("unit", "days"), SETTLING_UNITS),
        horizon=_one_of(where, what, "settles.horizon", value.get("horizon", "data"), HORIZONS),
    )


# ------------------------------------------------------------------ the docs' table

DOCS_START = "<!-- metric catalogue: generated from warehouse/metrics.yml, do not edit -->"
DOCS_END = "<!-- end of metric catalogue -->"
_SECTION_TITLES = {
    "contact_centre": "Contact centre",
    "field_visits": "Field visits",
    "repairs": "Repairs",
    "communication": "Communication",
}


def markdown_table(catalogue: Catalogue) -> str:
    """docs/metrics.md's metric table, as the catalogue says (tests keep the two equal)."""
    lines = [
        DOCS_START,
        "| section | metric | kind | label | direction | whose failure | default target "
        "| final | definition |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in catalogue.metrics:
        target = "" if m.target is None else f"green {m.target.green:g}, red {m.target.red:g}"
        rule = m.settles
        final = "at period end" if rule.window is None else f"period end + `{rule.window}`"
        names = ", ".join(f"`{n}`" for n in m.stored)
        lines.append(
            f"| {_SECTION_TITLES[m.section]} | {names} | {m.kind} | {m.text()} | {m.direction} "
            f"| {m.failure} | {target} | {final} | {m.description['en']} |"
        )
    lines.append(DOCS_END)
    return "\n".join(lines)
