"""``ecoute demo --as PLATFORM``: the same world in a platform's export format, loaded through
its source pack, loads the same rows as the canonical exports, and so gives the same metrics.

Two levels, to stay fast:
- every platform: the world's canonical load and its platform load hold the same contract rows
  (every field of every row of the entities the platform holds) and quarantine as many rows;
- end to end: `ecoute demo --as amazon-connect,servicenow,salesforce-fs`, `ecoute demo --as
  genesys` (it holds calls too, so it needs its own demo) and the canonical `ecoute demo` (built
  once) give the same `ecoute metrics` for every week (value, numerator, denominator) and the
  same journey for each week's worst customer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.core.settings import load_settings
from ecoute.demo import generate
from ecoute.demo.as_platform import PLATFORMS, write_as
from ecoute.etl import SOURCES
from ecoute.etl.pipeline import run_load

SIZE = {"customers": 400, "weeks": 3, "seed": 7, "end_week": "2026-W27"}
WEEKS = ("2026-W25", "2026-W26", "2026-W27")
LINEAGE = "extra, _load_id, _source_file, _line, _row_hash"


def _settings(warehouse: Path):  # noqa: ANN202 - Settings
    base = load_settings(config=None, warehouse=warehouse, environ={})
    return base.with_overrides(etl={"pii_key": "test-key", "progress": "never"})


def _rows(warehouse: Path, entity: str) -> list[tuple]:
    key = SOURCES[entity].key
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f"select * exclude ({LINEAGE}) from raw.{entity} order by {key}"
        ).fetchall()


def _quarantined(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(
            con.execute("select entity, count(*) from meta.quarantine group by 1").fetchall()
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The generated world's folder, its mapping, and its canonical load (no build)."""
    root = tmp_path_factory.mktemp("world")
    summary = generate(root / "canonical", **SIZE)
    warehouse = root / "canonical.duckdb"
    run_load(_settings(warehouse), root / "canonical", summary.mapping)
    return root / "canonical", summary.mapping, warehouse


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_platform_load_holds_the_canonical_rows(world, tmp_path, platform):
    folder, base, canonical = world
    out = tmp_path / platform
    shutil.copytree(folder, out)
    mapping = write_as(out, platform, base)
    warehouse = tmp_path / "vendor.duckdb"
    result = run_load(_settings(warehouse), out, mapping)
    assert all(f.balanced for f in result.files)
    for entity in PLATFORMS[platform].entities:
        want, got = _rows(canonical, entity), _rows(warehouse, entity)
        assert len(got) == len(want) > 0
        assert got == want, f"{platform}: {entity} rows differ from the canonical load"
    assert _quarantined(warehouse) == _quarantined(canonical)


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _demo(warehouse: Path, out: Path, platforms: str | None) -> None:
    size = [f"--{k.replace('_', '-')}={v}" for k, v in SIZE.items()]
    extra = ["--as", platforms] if platforms else []
    _run(["--warehouse", str(warehouse), "demo", *size, "--no-checks", "--out", str(out), *extra])


def _json(warehouse: Path, *args: str) -> dict:
    return json.loads(_run(["--warehouse", str(warehouse), *args, "--format", "json"]))


@pytest.fixture(scope="module")
def canonical_demo(tmp_path_factory) -> Path:
    """`ecoute demo` of SIZE, canonical exports, built: the warehouse every platform demo is
    compared with (built once for the module)."""
    root = tmp_path_factory.mktemp("canonical-demo")
    _demo(root / "canonical.duckdb", root / "canonical", None)
    return root / "canonical.duckdb"


# Amazon Connect and Genesys both hold calls, so they need two platform demos of the same world.
@pytest.mark.slow  # a demo load with its model build each, ~20 s of CPU, plus the canonical one
@pytest.mark.parametrize(
    ("platforms", "folder"),
    [("amazon-connect,servicenow,salesforce-fs", "contact-records"), ("genesys", "conversations")],
)
def test_demo_as_platforms_gives_the_canonical_metrics_and_journeys(
    canonical_demo, tmp_path, platforms, folder
):
    canonical, vendor = canonical_demo, tmp_path / "vendor.duckdb"
    _demo(vendor, tmp_path / "vendor", platforms)
    assert (tmp_path / "vendor" / folder).is_dir()
    assert not list((tmp_path / "vendor" / "calls").glob("*.csv.gz"))
    ratios = 0
    for week in WEEKS:
        a = _json(canonical, "metrics", "--week", week)
        assert a == _json(vendor, "metrics", "--week", week), f"{week}: metrics differ"
        ratios += sum(1 for m in a["metrics"].values() if m.get("denominator"))
        worst = _json(canonical, "worst", "--week", week, "--top", "1")["customers"]
        assert worst == _json(vendor, "worst", "--week", week, "--top", "1")["customers"]
        if worst:
            cid = worst[0]["customer_id"]
            assert _json(canonical, "customer", cid) == _json(vendor, "customer", cid)
    assert ratios > 10  # the weeks had ratios, numerators and denominators, to compare
