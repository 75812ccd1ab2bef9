"""Source mappings: how one operator's export folder maps onto the contract (YAML).

See docs/mappings.md for the format. A mapping is read and checked once; every error names
the mapping file and the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ecoute.etl import SOURCES

_ENTITY_KEYS = {
    "path", "format", "delimiter", "encoding", "decimal", "timestamp_format", "date_format",
    "formats", "columns", "expressions", "values", "defaults", "pii", "header", "thousands",
}  # fmt: skip
FORMATS = ("csv", "parquet", "jsonl")
ENCODINGS = ("utf-8", "cp1252", "latin-1")


class MappingError(ValueError):
    """A mapping file that cannot be used as written."""


@dataclass(frozen=True)
class EntityMapping:
    path: str | None = None
    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str = "."
    thousands: str | None = None  # a thousands separator decimals may carry (none by default)
    timestamp_format: str | None = None
    date_format: str | None = None
    header: bool = True
    formats: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    expressions: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    pii: tuple[str, ...] = ()

    def format_for(self, field_name: str, type_: str) -> str | None:
        if field_name in self.formats:
            return self.formats[field_name]
        return (
            self.timestamp_format
            if type_ == "ts"
            else self.date_format
            if type_ == "date"
            else None
        )


@dataclass(frozen=True)
class Mapping:
    name: str = "default"
    timezone: str | None = None
    entities: dict[str, EntityMapping] = field(default_factory=dict)
    source: str = ""
    demo: bool = False  # synthetic data: the default PII key is allowed (etl/pipeline.py)

    def for_entity(self, entity: str) -> EntityMapping:
        return self.entities.get(entity, EntityMapping())


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read mapping: {exc}") from exc
    return parse_mapping(doc, source=str(path))


def parse_mapping(doc: dict[str, Any], source: str = "<mapping>") -> Mapping:
    """Turn a mapping document into a checked ``Mapping`` (pure)."""
    if not isinstance(doc, dict):
        raise MappingError(f"{source}: a mapping must be a YAML mapping")
    entities = {}
    for name, spec in (doc.get("entities") or {}).items():
        if name not in SOURCES:
            raise MappingError(
                f"{source}: unknown entity {name!r}; expected one of {sorted(SOURCES)}"
            )
        entities[name] = _entity_mapping(name, spec or {}, source)
    return Mapping(name=str(doc.get("name", Path(source).stem)), timezone=doc.get("timezone"),
                   entities=entities, source=source, demo=doc.get("demo") is True)  # fmt: skip


def _entity_mapping(name: str, spec: dict[str, Any], source: str) -> EntityMapping:
    where = f"{source}: entities.{name}"
    unknown = set(spec) - _ENTITY_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}")
    fields = set(SOURCES[name].field_names())
    for key in ("formats", "columns", "expressions", "values", "defaults"):
        bad = set(spec.get(key) or {}) - fields
        if bad:
            raise MappingError(f"{where}.{key}: {sorted(bad)} not fields of {name}")
    if spec.get("format") not in (None, *FORMATS):
        raise MappingError(f"{where}.format: {spec['format']!r} is not one of {FORMATS}")
    encoding = _norm_encoding(spec.get("encoding"))
    if encoding not in (None, *ENCODINGS):
        raise MappingError(f"{where}.encoding: {spec['encoding']!r} is not one of {ENCODINGS}")
    if spec.get("decimal", ".") not in (".", ","):
        raise MappingError(f"{where}.decimal must be '.' or ','")
    if spec.get("thousands") not in (None, ".", ",", " ", "'", "\u00a0", "\u202f"):
        raise MappingError(f"{where}.thousands must be one of '.', ',', ' ', \"'\"")
    if spec.get("thousands") is not None and spec.get("thousands") == spec.get("decimal", "."):
        raise MappingError(f"{where}.thousands cannot be the decimal separator")
    values = {f: {str(k).strip().lower(): str(v) for k, v in m.items()}
              for f, m in (spec.get("values") or {}).items()}  # fmt: skip
    return EntityMapping(
        path=spec.get("path"),
        format=spec.get("format"),
        delimiter=spec.get("delimiter"),
        encoding=encoding,
        decimal=spec.get("decimal", "."),
        thousands=spec.get("thousands"),
        timestamp_format=spec.get("timestamp_format"),
        date_format=spec.get("date_format"),
        header=bool(spec.get("header", True)),
        formats=dict(spec.get("formats") or {}),
        columns={k: str(v) for k, v in (spec.get("columns") or {}).items()},
        expressions={k: str(v) for k, v in (spec.get("expressions") or {}).items()},
        values=values,
        defaults={k: str(v) for k, v in (spec.get("defaults") or {}).items()},
        pii=tuple(spec.get("pii") or ()),
    )


def _norm_encoding(value: Any) -> str | None:
    if value is None:
        return None
    v = str(value).strip().lower().replace("_", "-")
    return {"utf8": "utf-8", "utf-8-sig": "utf-8", "windows-1252": "cp1252", "latin1": "latin-1",
            "iso-8859-1": "latin-1"}.get(v, v)  # fmt: skip
