"""Shared fixtures for the intents tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoute.intents.corpora import default_data_dir


@pytest.fixture(scope="session")
def external_data_dir() -> Path:
    """The shared external corpora; tests needing them skip cleanly when absent."""
    path = default_data_dir()
    if not path.exists():
        pytest.skip(f"shared external data not found at {path} (../shared/data/external/)")
    return path
