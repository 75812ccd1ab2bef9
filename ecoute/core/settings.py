"""The one settings object. Built once by the CLI (or a test) and passed down.

Layers, later wins: the packaged defaults (``defaults.toml``), the operator's TOML file
(``--config`` or ``ECOUTE_CONFIG``, else ``./ecoute.toml`` when present), then environment
variables: ``ECOUTE_WAREHOUSE`` for the warehouse path and ``ECOUTE__SECTION__KEY`` for any key.
Nothing else in Écoute reads the environment.
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_DEFAULTS = Path(__file__).with_name("defaults.toml")


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
    sections = _read_toml(_DEFAULTS)
    config = config or _env_path(env, "ECOUTE_CONFIG") or _existing(Path("ecoute.toml"))
    if config is not None:
        if not config.exists():
            raise FileNotFoundError(f"configuration file not found: {config}")
        sections = _merge(sections, _read_toml(config))
    sections = _merge(sections, _env_overrides(env))
    path = warehouse or _env_path(env, "ECOUTE_WAREHOUSE") or Path(sections["warehouse"]["path"])
    return Settings(warehouse=Path(path), sections=sections, config_file=config)


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


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
