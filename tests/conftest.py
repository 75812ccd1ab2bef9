"""Shared fixtures: a fresh warehouse file per test, settings that read no environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecoute.core.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "data" / "external"
# A load refuses the default PII key; commands the tests run as subprocesses read the environment.
os.environ.setdefault("ECOUTE__ETL__PII_KEY", "test-key")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Defaults only, a warehouse in tmp_path, and a fixed PII key."""
    base = load_settings(config=None, warehouse=tmp_path / "ecoute.duckdb", environ={})
    return base.with_overrides(etl={"pii_key": "test-key", "progress": "never"})


@pytest.fixture
def external() -> Path:
    """The shared real data sets; tests using them skip when the folder is absent."""
    if not EXTERNAL.is_dir():
        pytest.skip(f"shared data sets not found at {EXTERNAL}")
    return EXTERNAL
