"""The small fixed world (tests/ecoute/cli/_world.py), loaded once per test session through the
real command line; the tests that read it never write to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from tests.ecoute.cli._world import write_world

QUIET = {"ECOUTE__ETL__PROGRESS": "never", "ECOUTE__ETL__PII_KEY": "test-key"}


class World:
    """The loaded world: its folder, its warehouse and the load's own output."""

    def __init__(self, root: Path, load_output: str) -> None:
        self.root = root
        self.warehouse = root / "ecoute.duckdb"
        self.load_output = load_output

    def run(self, *args: str, env: dict[str, str] | None = None):  # noqa: ANN201
        """The command line on this world (from its folder: paths print as `in/calls.csv`)."""
        here = Path.cwd()
        os.chdir(self.root)
        try:
            return CliRunner().invoke(
                app, ["--warehouse", str(self.warehouse), *args], env={**QUIET, **(env or {})}
            )
        finally:
            os.chdir(here)


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("world")
    write_world(root / "in")
    here = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(
            app, ["--warehouse", "ecoute.duckdb", "load", "in", "--no-checks"], env=QUIET
        )
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return World(root, result.output)
