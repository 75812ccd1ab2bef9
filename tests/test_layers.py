"""Data flows one way: the import-linter contracts in pyproject.toml hold, and they would fail
on an import that runs back, even one hidden inside a function.

import-linter finds modules by walking the root package's folder, while our install maps the
repository's folders onto sub-packages (``etl/`` is ``ecoute.etl``, see pyproject.toml). So the
check runs on a copy of the sources laid out as they are installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def _installed_layout(into: Path) -> Path:
    """The Python sources under `into`, each folder where pyproject's package-dir installs it."""
    for package, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items():
        target = into.joinpath(*package.split("."))
        shutil.copytree(REPO / folder, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.duckdb*", "out"))  # fmt: skip
    return into


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _installed_layout(tmp_path_factory.mktemp("layout"))


def test_every_import_points_down(layout: Path) -> None:
    result = _lint(layout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_a_lazy_import_that_runs_back_breaks_the_contract(tmp_path: Path) -> None:
    root = _installed_layout(tmp_path)
    settings = root / "ecoute" / "core" / "settings.py"
    settings.write_text(
        settings.read_text("utf-8")
        + "\n\ndef _sneaky():\n    from ecoute.reports import metrics\n\n    return metrics\n",
        "utf-8",
    )
    result = _lint(root)
    assert result.returncode != 0
    assert "ecoute.core.settings -> ecoute.reports.metrics" in result.stdout


def test_an_engine_that_opens_the_database_breaks_the_contract(tmp_path: Path) -> None:
    root = _installed_layout(tmp_path)
    rules = root / "ecoute" / "compensation" / "rules.py"
    rules.write_text(rules.read_text("utf-8") + "\n\nimport duckdb  # noqa\n", "utf-8")
    result = _lint(root)
    assert result.returncode != 0
    assert "ecoute.compensation.rules -> duckdb" in result.stdout


def test_every_python_package_is_installed() -> None:
    """A package missing from pyproject's list would be left out of the wheel."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set()
    for package, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder).parts
            found.add(".".join([package, *rel]))
    assert found == listed


def test_every_data_file_is_shipped() -> None:
    """A file the code reads at run time (a SQL model, a lexicon, the vendored plotly.js) whose
    kind pyproject's package-data does not name would be missing from an installed wheel,
    though an editable checkout finds it."""
    kinds = {Path(pattern).suffix for pattern in PYPROJECT["tool"]["setuptools"]["package-data"]["*"]}
    tracked = subprocess.run(["git", "ls-files", *PYPROJECT["tool"]["setuptools"]["package-dir"].values()],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    unshipped = [f for f in tracked if Path(f).suffix not in {".py", *kinds}]
    assert unshipped == []
