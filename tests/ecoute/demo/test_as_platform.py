"""``ecoute demo --as PLATFORM``: the same world in a platform's format, loaded through its pack,
gives the same metrics (numerator and denominator, every week) and the same worst-customer
journey as the canonical load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoute.cli import app

WORLD = ["--customers", "400", "--weeks", "3", "--seed", "7", "--end-week", "2026-W27",
         "--no-checks"]  # fmt: skip
WEEKS = ("2026-W25", "2026-W26", "2026-W27")


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _demo(root: Path, name: str, platform: str | None) -> Path:
    warehouse = root / f"{name}.duckdb"
    extra = ["--as", platform] if platform else []
    _run(["--warehouse", str(warehouse), "demo", *WORLD, "--out", str(root / name), *extra])
    return warehouse


def _metrics(warehouse: Path, week: str) -> dict:
    out = json.loads(_run(["--warehouse", str(warehouse), "metrics", "--week", week,
                           "--format", "json"]))  # fmt: skip
    return out


def _worst_journey(warehouse: Path, week: str) -> tuple[str, dict] | None:
    worst = json.loads(_run(["--warehouse", str(warehouse), "worst", "--week", week, "--top", "1",
                             "--format", "json"]))["customers"]  # fmt: skip
    if not worst:
        return None
    cid = worst[0]["customer_id"]
    journey = json.loads(_run(["--warehouse", str(warehouse), "customer", cid, "--format", "json"]))
    return cid, journey


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> Path:
    return _demo(tmp_path_factory.mktemp("canonical"), "canonical", None)


@pytest.mark.parametrize("platform", ["amazon-connect"])
def test_platform_round_trip_equals_canonical_load(canonical, tmp_path, platform):
    vendor = _demo(tmp_path, platform, platform)
    compared = 0
    for week in WEEKS:
        a, b = _metrics(canonical, week), _metrics(vendor, week)
        assert a == b, f"{platform} {week}: metrics differ"
        compared += sum(1 for v in json.dumps(a).split('"denominator"')[1:] if v)
        assert _worst_journey(canonical, week) == _worst_journey(vendor, week)
    assert compared > 0  # the weeks had metrics with denominators to compare
