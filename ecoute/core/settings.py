"""The one settings object. Built once by the CLI (or a test) and passed down.

Layers, later wins: the packaged defaults (``defaults.toml``), the operator's TOML file
(``--config`` or ``ECOUTE_CONFIG``, else ``./ecoute.toml`` when present), then environment
variables: ``ECOUTE_WAREHOUSE`` for the warehouse path and ``ECOUTE__SECTION__KEY`` for any key.
Nothing else in Écoute reads the environment.

Every key an operator sets must be one the defaults know (a typo such as ``repeat_window_dayz``
would otherwise be ignored and the default silently used): an unknown key is refused, naming the
file (or variable) and the closest known key. A TOML syntax error names the file and line; a time
zone that does not exist names its key and file.
"""

from __future__ import annotations

import copy
import difflib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_DEFAULTS = Path(__file__).with_name("defaults.toml")

# Tables whose keys are the operator's own names (metrics, regions, users, Spark settings,
# extra risk features, alert rules), not settings of ours.
_OPEN = {"engine.spark_conf", "targets", "email.recipients", "dashboard.users", "risk.weights",
         "alerts.rules"}  # fmt: skip
# Tables earlier versions read and this one refuses, with what to write instead: a second
# target table made the report and the dashboard disagree (docs/metrics.md, "Targets").
_RETIRED = {
    "dashboard.targets": "[dashboard.targets] is no longer read: set the targets once in "
    "[targets], e.g. {first} = {{ green = …, red = … }} (docs/metrics.md, \"Targets\")",
}
# Tables whose sub-tables are the operator's names (a data-quality suite, an expectation).
_OPEN_TABLES = {"expectations"}
# Read when present though the defaults do not list them (earlier versions' names, rare needs).
_OPTIONAL = {"warehouse.lock_wait_s", "email.cafile"}
# Keys naming an IANA time zone, checked when the settings are built.
_ZONES = ("etl.timezone", "metrics.timezone", "schedule.timezone", "compensation.timezone")


class SettingsError(ValueError):
    """The configuration cannot be used as written; the message says where and why."""


@dataclass(frozen=True)
class Settings:
    """Resolved configuration: typed shortcuts for what every command needs, sections for the rest."""

    warehouse: Path
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    config_file: Path | None = None

    def section(self, name: str) -> dict[str, Any]:
        """One section of the configuration (an empty dict when absent)."""
        return self.sections.get(name, {})

    @property
    def metrics(self) -> dict[str, Any]:
        return self.section("metrics")

    @property
    def etl(self) -> dict[str, Any]:
        return self.section("etl")

    @property
    def load(self) -> dict[str, Any]:
        """The loader's bounds and caps (``[load]``, docs/data-contract.md "What we refuse")."""
        return self.section("load")

    def with_overrides(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some keys replaced (tests and per-command flags use this)."""
        merged = _merge(self.sections, sections)
        return Settings(warehouse=self.warehouse, sections=merged, config_file=self.config_file)


def load_settings(
    config: Path | None = None,
    warehouse: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, a TOML file and the given environment."""
    env = dict(environ or {})
    defaults = _read_toml(_DEFAULTS)
    sections = defaults
    config = config or _env_path(env, "ECOUTE_CONFIG") or _existing(Path("ecoute.toml"))
    sources: dict[str, str] = {}
    if config is not None:
        if not config.exists():
            raise FileNotFoundError(f"configuration file not found: {config}")
        operator = _read_toml(config)
        check_known(operator, defaults, str(config))
        sources = dict.fromkeys(_zone_keys(operator), str(config))
        sections = _merge(sections, operator)
    env_sections = _env_overrides(env)
    check_known(env_sections, defaults, "the environment (ECOUTE__SECTION__KEY)")
    sources.update(dict.fromkeys(_zone_keys(env_sections), "the environment"))
    sections = _merge(sections, env_sections)
    _check_zones(sections, sources)
    path = warehouse or _env_path(env, "ECOUTE_WAREHOUSE") or Path(sections["warehouse"]["path"])
    return Settings(warehouse=Path(path), sections=sections, config_file=config)


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        try:
            return tomllib.load(f)
        except tomllib.TOMLDecodeError as exc:  # its message ends "(at line L, column C)"
            raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def check_known(
    given: Mapping[str, Any], known: Mapping[str, Any], source: str, path: tuple[str, ...] = ()
) -> None:
    """Refuse a key the defaults do not have, naming `source` and the closest known key."""
    for key, value in given.items():
        dotted = ".".join((*path, key))
        if dotted in _OPEN or dotted in _OPTIONAL:
            continue
        if dotted in _RETIRED:
            first = next(iter(value), "metric") if isinstance(value, Mapping) else "metric"
            raise SettingsError(f"{source}: {_RETIRED[dotted].format(first=first)}")
        if key not in known:
            if ".".join(path) in _OPEN_TABLES and isinstance(value, Mapping):
                continue
            raise SettingsError(_unknown(key, path, known, source))
        if isinstance(value, Mapping) and isinstance(known[key], Mapping):
            check_known(value, known[key], source, (*path, key))
        elif isinstance(value, Mapping) != isinstance(known[key], Mapping):
            what = "a table" if isinstance(known[key], Mapping) else "a value"
            raise SettingsError(f"{source}: [{dotted}] must be {what}")


def _unknown(key: str, path: tuple[str, ...], known: Mapping[str, Any], source: str) -> str:
    where = f"[{'.'.join(path)}] " if path else ""
    what = f"unknown setting {where}{key}" if path else f"unknown section [{key}]"
    close = difflib.get_close_matches(key, [str(k) for k in known], n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(sorted(known))}"
    return f"{source}: {what}{hint}"


def _zone_keys(sections: Mapping[str, Any]) -> list[str]:
    return [z for z in _ZONES if z.split(".")[1] in sections.get(z.split(".")[0], {})]


def _check_zones(sections: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    from zoneinfo import ZoneInfo

    for dotted in _ZONES:
        section, key = dotted.split(".")
        value = sections.get(section, {}).get(key)
        if not value:
            continue
        try:
            ZoneInfo(str(value))
        except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
            where = sources.get(dotted, "the defaults")
            raise SettingsError(
                f"{where}: [{section}] {key} = {value!r} is not a time zone "
                "(an IANA name such as Europe/Brussels)"
            ) from None


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _env_path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name, "").strip()
    return Path(value) if value else None


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """``ECOUTE__METRICS__SHORT_ABANDON_S=15`` sets ``[metrics] short_abandon_s``; JSON values parse."""
    out: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith("ECOUTE__"):
            continue
        keys = [k.lower() for k in name.removeprefix("ECOUTE__").split("__") if k]
        if len(keys) < 2:
            continue
        node = out
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _parse_env_value(raw)
    return out


def _parse_env_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
