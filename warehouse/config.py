"""What each SQL model declares for the incremental build, read from ``models/models.yml``.

One entry per model file (``warehouse/models/<schema>/<name>.sql``), dbt-like::

    models:
      - name: fct_calls
        config:
          grain: call_id
          pending:
            - is_dropped and is_identified and not coalesce(is_drop_window_elapsed, false)

Keys of ``config`` (docs/incremental.md explains each):

``grain`` (required)
    which rows a load can change: one of ``GRAINS``; ``staging`` for, and only for, the
    staging views.
``pending`` (customer-grained models)
    SQL conditions over the model's previous rows, ANDed: the rows whose flag waits on the
    horizon, rebuilt when it moves.
``periods``, ``reads_horizon``, ``period_key`` (``period`` marts)
    the days a changed row of a fact table counts in (``day``, or ``first_day`` and
    ``last_day``; ``lookup: true`` for a table read whole), whether the mart reads the horizon
    itself, and the SQL naming the period of the mart's own rows (``grain``, ``start``).
``union_by`` (a ``period`` mart that only unions other period marts)
    the column whose values tell which mart a row came from (disjoint between them: the
    metric name), so an incremental build replaces each mart's rows in that mart's own
    affected periods only.

Python models declare the same in their ``PythonStep`` (warehouse/runner.py). The file is
checked whole when the models are read, before anything is built: a missing or unknown model,
an unknown key, a value of the wrong type or out of range is an error naming the model and the
file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecoute.core.yamlfile import read_yaml

CONFIG_FILE = "models.yml"

# Grains (warehouse/incremental.py says what each means for a build).
STAGING = "staging"
KEYED = ("customer_id", "call_id", "ticket_id", "message_id")
FIRST, LAST = "global", ("period", "snapshot")
AT_CUTOFF = "customer_id_at_cutoff"
GRAINS = (STAGING, FIRST, *LAST, *KEYED, AT_CUTOFF)


class ModelConfigError(ValueError):
    """A model's declaration is missing or wrong; the message names the model and the file."""


@dataclass(frozen=True)
class PeriodRows:
    """Rows of ``table`` count in the local days ``first`` .. ``last`` (SQL over one row ``r``;
    ``horizon_date`` is the new horizon's local day). ``lookup``: a table the mart joins, read
    whole rather than narrowed."""

    table: str
    first: str
    last: str
    lookup: bool = False


@dataclass(frozen=True)
class PeriodKey:
    """SQL over the mart's own rows naming their period: ``'day'``/``'week'`` and its start."""

    grain: str
    start: str


@dataclass(frozen=True)
class ModelConfig:
    grain: str
    pending: tuple[str, ...] = ()
    periods: tuple[PeriodRows, ...] = ()
    reads_horizon: bool = False
    period_key: PeriodKey | None = None
    union_by: str | None = None


def load(models_dir: Path, models: Mapping[str, str]) -> dict[str, ModelConfig]:
    """Every model's declaration from ``models_dir/models.yml``; ``models``: model name → its
    schema, one per model file. Raises ModelConfigError."""
    path = models_dir / CONFIG_FILE
    if not path.exists():
        raise ModelConfigError(f"{path}: missing (every model declares its grain there)")
    doc = read_yaml(path)
    entries = _entries(doc, path)
    found: dict[str, ModelConfig] = {}
    for entry in entries:
        name = _name(entry, path)
        if name in found:
            raise ModelConfigError(f"{path}: model {name!r} is declared twice")
        if name not in models:
            raise ModelConfigError(f"{path}: model {name!r} has no model file "
                                   f"({models_dir}/<schema>/{name}.sql)")  # fmt: skip
        found[name] = parse(name, models[name], entry, path)
    missing = sorted(set(models) - set(found))
    if missing:
        raise ModelConfigError(f"{path}: no entry for the model(s) {', '.join(missing)}")
    return found


def _entries(doc: Any, path: Path) -> list[Any]:
    if not isinstance(doc, dict) or set(doc) != {"models"} or not isinstance(doc["models"], list):
        raise ModelConfigError(f"{path}: expected one key, 'models', holding a list of entries")
    return doc["models"]


def _name(entry: Any, path: Path) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ModelConfigError(f"{path}: every entry needs a 'name' (got {entry!r})")
    return entry["name"]


def parse(name: str, schema: str, entry: Mapping[str, Any], path: Path) -> ModelConfig:
    """One entry (``name``, ``config``) as a ModelConfig, checked."""
    where = f"{path}: model {name}"
    _keys(entry, {"name", "config"}, where)
    config = entry.get("config")
    if not isinstance(config, dict):
        raise ModelConfigError(f"{where}: 'config' must be a mapping with at least 'grain'")
    _keys(config, {"grain", "pending", "periods", "reads_horizon", "period_key", "union_by"},
          where)  # fmt: skip
    grain = config.get("grain")
    if grain not in GRAINS:
        raise ModelConfigError(f"{where}: grain {grain!r} is not one of {list(GRAINS)}")
    if (grain == STAGING) != (schema == STAGING):
        raise ModelConfigError(f"{where}: grain 'staging' is for the staging views, and only them")
    pending = tuple(_strings(config.get("pending", []), f"{where}: pending"))
    if pending and grain not in KEYED:
        raise ModelConfigError(f"{where}: 'pending' needs a customer-grained grain {KEYED}")
    is_period = {"periods", "reads_horizon", "period_key", "union_by"} & set(config)
    if is_period and grain != "period":
        raise ModelConfigError(f"{where}: {sorted(is_period)} are for grain 'period' marts")
    reads_horizon = config.get("reads_horizon", False)
    if not isinstance(reads_horizon, bool):
        raise ModelConfigError(f"{where}: reads_horizon must be true or false")
    return ModelConfig(
        grain=grain,
        pending=pending,
        periods=tuple(_period(p, where) for p in _list(config.get("periods", []), where)),
        reads_horizon=reads_horizon,
        period_key=_period_key(config.get("period_key"), where),
        union_by=_union_by(config, where),
    )


def _union_by(config: Mapping[str, Any], where: str) -> str | None:
    if "union_by" not in config:
        return None
    if config.get("periods"):
        raise ModelConfigError(f"{where}: union_by is for a mart that reads no fact table")
    return _string(config["union_by"], f"{where}: union_by")


def _period(item: Any, where: str) -> PeriodRows:
    if not isinstance(item, dict):
        raise ModelConfigError(f"{where}: each of 'periods' is a mapping, not {item!r}")
    _keys(item, {"table", "day", "first_day", "last_day", "lookup"}, f"{where}: periods")
    table = _string(item.get("table"), f"{where}: periods: table")
    if "." not in table:
        raise ModelConfigError(f"{where}: periods: table {table!r} must be <schema>.<name>")
    if "day" in item and not ({"first_day", "last_day"} & set(item)):
        first = last = _string(item["day"], f"{where}: periods: {table}: day")
    elif "day" not in item and {"first_day", "last_day"} <= set(item):
        first = _string(item["first_day"], f"{where}: periods: {table}: first_day")
        last = _string(item["last_day"], f"{where}: periods: {table}: last_day")
    else:
        raise ModelConfigError(f"{where}: periods: {table}: give 'day', or 'first_day' and "
                               "'last_day'")  # fmt: skip
    lookup = item.get("lookup", False)
    if not isinstance(lookup, bool):
        raise ModelConfigError(f"{where}: periods: {table}: lookup must be true or false")
    return PeriodRows(table, first, last, lookup)


def _period_key(value: Any, where: str) -> PeriodKey | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ModelConfigError(f"{where}: period_key must be a mapping (grain, start)")
    _keys(value, {"grain", "start"}, f"{where}: period_key")
    return PeriodKey(
        _string(value.get("grain"), f"{where}: period_key: grain"),
        _string(value.get("start"), f"{where}: period_key: start"),
    )


def _keys(mapping: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise ModelConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ModelConfigError(f"{where}: expected a list, got {value!r}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    return [_string(v, where) for v in _list(value, where)]


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ModelConfigError(f"{where}: expected non-empty SQL text, got {value!r}")
    return value.strip()
