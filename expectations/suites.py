"""The suites as data: one YAML file per entity in ``expectations/suites/``.

A suite names the batch it checks (a SELECT over ``raw.<entity>`` that may add derived columns)
and lists expectations. Each expectation is either a GX expectation by its snake_case name
(``expect: expect_column_values_to_not_be_null``) with ``column`` and ``kwargs``, or custom SQL
(``sql:``) run as GX's ``UnexpectedRowsExpectation``: every row it returns is a failure.

``${name}`` in SQL is filled here, before GX sees it: ``${rows}`` (this load's rows, or all rows
for ``ecoute check``), ``${load_id}``, ``${as_of}``, ``${entity}`` and the expectation's
``params``. Literal braces must be doubled (``{{``) because GX formats ``{batch}`` with
``str.format``.

Settings override any suite: ``[expectations.<suite>] severity/enabled`` for every expectation
of the suite,
``[expectations.<suite>.<expectation>]`` for one expectation (``severity``, ``enabled``, a
``params`` key, or a GX kwarg such as ``mostly``/``min_value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ecoute.core.sql_literals import literal
from ecoute.core.yamlfile import YAMLError, read_yaml

SUITES_DIR = Path(__file__).with_name("suites")
SEVERITIES = ("block", "warn")
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_RESERVED = {"severity", "enabled"}


class SuiteError(ValueError):
    """A suite file or an override is malformed."""


@dataclass(frozen=True)
class ExpectationSpec:
    name: str
    severity: str
    expect: str = ""  # GX snake_case name; empty for sql
    column: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    sql: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    enabled: bool = True

    @property
    def is_sql(self) -> bool:
        return bool(self.sql)

    @property
    def uses_batch(self) -> bool:
        return not self.is_sql or "{batch}" in self.sql

    @property
    def gx_type(self) -> str:
        return "unexpected_rows_expectation" if self.is_sql else self.expect

    def expected(self) -> dict[str, Any]:
        """What the expectation demands, for the results table."""
        return {**self.kwargs, **self.params} if not self.is_sql else dict(self.params)


@dataclass(frozen=True)
class Suite:
    name: str
    batch: str
    expectations: tuple[ExpectationSpec, ...]
    description: str = ""
    enabled: bool = True
    path: Path | None = None


def suite_names(directory: Path = SUITES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_suite(
    name: str, overrides: dict[str, Any] | None = None, directory: Path = SUITES_DIR
) -> Suite:
    """Read ``<directory>/<name>.yaml`` and apply the settings overrides for it."""
    path = directory / f"{name}.yaml"
    if not path.exists():
        raise SuiteError(f"no suite {name!r} in {directory}")
    try:
        doc = read_yaml(path)
    except YAMLError as exc:
        raise SuiteError(f"{path}: {exc}") from exc
    return _build(doc, path, overrides or {})


def _build(doc: dict[str, Any], path: Path, overrides: dict[str, Any]) -> Suite:
    name = doc.get("suite") or path.stem
    batch = doc.get("batch")
    if not batch or "${rows}" not in batch:
        raise SuiteError(f"{path}: `batch` must be a SELECT with `where ${{rows}}`")
    default = doc.get("severity", "warn")
    seen: set[str] = set()
    specs = []
    for raw in doc.get("expectations") or []:
        spec = _spec(raw, default, path)
        if spec.name in seen or spec.name in _RESERVED:
            raise SuiteError(f"{path}: expectation name {spec.name!r} is repeated or reserved")
        seen.add(spec.name)
        if "severity" in overrides:  # settings beat the file: the whole suite
            spec = replace(spec, severity=overrides["severity"])
            _check_severity(spec.severity, f"settings for {name}")
        specs.append(_override(spec, overrides.get(spec.name) or {}, path))
    unknown = {k for k, v in overrides.items() if isinstance(v, dict)} - seen
    if unknown:
        raise SuiteError(f"[expectations.{name}] names unknown expectations: {sorted(unknown)}")
    return Suite(name, batch, tuple(specs), doc.get("description", ""),
                 bool(overrides.get("enabled", doc.get("enabled", True))), path)  # fmt: skip


def _spec(raw: dict[str, Any], default: str, path: Path) -> ExpectationSpec:
    name = raw.get("name")
    if not name:
        raise SuiteError(f"{path}: every expectation needs a `name`")
    if bool(raw.get("expect")) == bool(raw.get("sql")):
        raise SuiteError(f"{path}: {name}: give exactly one of `expect` or `sql`")
    spec = ExpectationSpec(
        name=name,
        severity=raw.get("severity", default),
        expect=raw.get("expect", ""),
        column=raw.get("column"),
        kwargs=dict(raw.get("kwargs") or {}),
        sql=raw.get("sql", ""),
        params=dict(raw.get("params") or {}),
        why=" ".join(str(raw.get("why", "")).split()),
        enabled=bool(raw.get("enabled", True)),
    )
    _check_severity(spec.severity, f"{path}: {name}")
    return spec


def _override(spec: ExpectationSpec, over: dict[str, Any], path: Path) -> ExpectationSpec:
    if not over:
        return spec
    kwargs, params = dict(spec.kwargs), dict(spec.params)
    for key, value in over.items():
        if key in _RESERVED:
            continue
        (params if key in params or spec.is_sql else kwargs)[key] = value
    severity = over.get("severity", spec.severity)
    _check_severity(severity, f"settings for {path.stem}.{spec.name}")
    return replace(spec, severity=severity, kwargs=kwargs, params=params,
                   enabled=bool(over.get("enabled", spec.enabled)))  # fmt: skip


def _check_severity(value: str, where: str) -> None:
    if value not in SEVERITIES:
        raise SuiteError(f"{where}: severity must be block or warn, got {value!r}")


def render(sql: str, values: dict[str, Any]) -> str:
    """Fill ``${name}`` placeholders with SQL literals; an unknown name is an error."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise SuiteError(f"unknown placeholder ${{{key}}} (known: {', '.join(sorted(values))})")
        value = values[key]
        return value.sql if isinstance(value, Raw) else literal(value, naive_utc=True)

    return _PLACEHOLDER.sub(sub, sql)


@dataclass(frozen=True)
class Raw:
    """A SQL fragment inserted as is (``${rows}``)."""

    sql: str
