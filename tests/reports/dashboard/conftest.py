"""Fixtures of the dashboard tests: the small demo world (see _world.py), once per session."""

from __future__ import annotations

import pytest

from tests.reports.dashboard._world import World, build_world


@pytest.fixture(scope="session")
def dash_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("dashboard_world"))
