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
    "records", "each", "version",
}  # fmt: skip
FORMATS = ("csv", "parquet", "jsonl", "json")
# Source packs: one folder per platform under etl/sources/, its mapping in pack.yaml.
PACKS_DIR = Path(__file__).parent / "sources"
ENCODINGS = ("utf-8", "cp1252", "latin-1")


class MappingError(ValueError):
    """A mapping file that cannot be used as written."""


@dataclass(frozen=True)
class EntityMapping:
    path: str | tuple[str, ...] | None = None  # a glob, or several (files of several shapes)
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
    records: str | None = None  # path to the array of records in a JSON document (etl/shape.py)
    each: str | None = None  # one row per element of this array
    version: str | None = None  # per key the latest version wins, older ones are superseded

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


def load_mapping(path: Path, _seen: tuple[Path, ...] = ()) -> Mapping:
    """Read and check a mapping file, with the packs or files it ``extends``."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read mapping: {exc}") from exc
    mapping = parse_mapping(doc, source=str(path))
    bases = doc.get("extends") or []
    if isinstance(bases, str):
        bases = [bases]
    if not bases:
        return mapping
    merged = Mapping()
    for base in bases:
        target = resolve_base(str(base), path.parent)
        if target.resolve() in _seen or target.resolve() == path.resolve():
            raise MappingError(f"{path}: extends {base!r} twice (a cycle)")
        merged = combine(merged, load_mapping(target, (*_seen, path.resolve())))
    return combine(merged, mapping)


def resolve_base(name: str, folder: Path) -> Path:
    """A pack name (``amazon-connect``) or a mapping file path relative to ``folder``."""
    pack = pack_path(name)
    if pack is not None:
        return pack
    target = Path(name) if Path(name).is_absolute() else folder / name
    if not target.is_file():
        raise MappingError(f"extends {name!r}: neither a source pack ({', '.join(pack_names())}) "
                           "nor a mapping file")  # fmt: skip
    return target


def pack_names() -> list[str]:
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.yaml"))


def pack_path(name: str) -> Path | None:
    """The mapping of the source pack ``name``, or None when there is no such pack."""
    candidate = PACKS_DIR / name / "pack.yaml"
    return candidate if candidate.is_file() and "/" not in name and name != ".." else None


def combine(base: Mapping, over: Mapping) -> Mapping:
    """``over``'s entities replace ``base``'s; the first timezone set wins (pack entities
    carry instants with their offsets, so the operator's own timezone is the one that counts)."""
    names = [n for n in (base.name, over.name) if n and n != "default"]
    return Mapping(
        name="+".join(dict.fromkeys(names)) or "default",
        timezone=over.timezone or base.timezone,
        entities={**base.entities, **over.entities},
        source=over.source or base.source,
    )


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
    for key in ("records", "each", "version"):
        if spec.get(key) is not None and not isinstance(spec[key], str):
            raise MappingError(f"{where}.{key} must be a path written as text")
    if (spec.get("records") or spec.get("each") or spec.get("version")) and spec.get(
        "format"
    ) not in ("json", "jsonl"):
        raise MappingError(f"{where}: records, each and version need format json or jsonl")
    if spec.get("format") == "json" and not spec.get("records"):
        raise MappingError(f"{where}: format json needs `records`, the path to the records' array")
    path = spec.get("path")
    if isinstance(path, list):
        path = tuple(str(p) for p in path)
    return EntityMapping(
        path=path,
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
        records=spec.get("records"),
        each=spec.get("each"),
        version=spec.get("version"),
    )


def _norm_encoding(value: Any) -> str | None:
    if value is None:
        return None
    v = str(value).strip().lower().replace("_", "-")
    return {"utf8": "utf-8", "utf-8-sig": "utf-8", "windows-1252": "cp1252", "latin1": "latin-1",
            "iso-8859-1": "latin-1"}.get(v, v)  # fmt: skip
