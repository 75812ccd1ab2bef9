"""The report on the demo operator (`ecoute demo`): every card equals `ecoute metrics`, the
burst writes one file per demo region, and the stories link to journeys in the appendix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoute.cli import app

pytestmark = pytest.mark.slow

CARD = re.compile(r'data-metric="([\w.]+)" data-value="([^"]*)"')


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    import importlib.util

    if importlib.util.find_spec("ecoute.cli.commands.demo") is None:
        pytest.skip("ecoute demo is not available")
    root = tmp_path_factory.mktemp("demo")
    warehouse = root / "demo.duckdb"
    result = CliRunner().invoke(app, [
        "--warehouse", str(warehouse), "demo", "--customers", "3000", "--weeks", "8",
        "--out", str(root / "exports"),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return warehouse


def _cli(warehouse: Path, *args: str):
    return CliRunner().invoke(app, ["--warehouse", str(warehouse), *args])


def test_demo_burst_numbers_equal_ecoute_metrics(demo, tmp_path):
    out = tmp_path / "out"
    result = _cli(
        demo, "report", "weekly", "--week", "2026-W27", "--all-regions", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("weekly-2026-W27*.html"))
    assert len(files) >= 4  # national and the demo's regions
    national = (out / "weekly-2026-W27.html").read_text(encoding="utf-8")
    expected = json.loads(_cli(demo, "metrics", "--week", "2026-W27", "--format", "json").output)
    cards = CARD.findall(national)
    assert len(cards) >= 30
    for metric, value in cards:
        want = expected["metrics"][metric]["value"]
        assert (None if value == "" else float(value)) == want, metric
    # a region's file carries that region's numbers
    region = "Antwerp"
    (antwerp,) = [f for f in files if "--antwerp-" in f.name]
    by_region = json.loads(
        _cli(demo, "metrics", "--week", "2026-W27", "--region", region, "--format", "json").output
    )
    for metric, value in CARD.findall(antwerp.read_text(encoding="utf-8")):
        want = by_region["metrics"][metric]["value"]
        assert (None if value == "" else float(value)) == want, metric


def test_demo_stories_link_to_their_journeys(demo, tmp_path):
    _cli(demo, "report", "weekly", "--week", "2026-W27", "--out", str(tmp_path))
    html = (tmp_path / "weekly-2026-W27.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="#(journey-\d+)">', html)
    assert len(links) == 10
    for anchor in links:
        assert f'id="{anchor}"' in html
    assert "ecoute customer " in html and "--as-of 2026-07-05" in html
    worst = json.loads(_cli(demo, "worst", "--week", "2026-W27", "--format", "json").output)
    first = worst["customers"][0]["customer_id"]
    assert f'<a href="#journey-1">{first}</a>' in html


@pytest.mark.browser
def test_demo_pdf_page_one_for_review(demo, tmp_path, chromium, poppler):
    """The demo report as PDF, its first page as PNG in tests/reports/artifacts/."""
    import subprocess

    result = _cli(demo, "report", "weekly", "--week", "2026-W27", "--pdf", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "weekly-2026-W27.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    # the journeys stay in the HTML; the PDF is the short read (it was 21 pages, 16 appendix)
    assert "Customer stories of the week" in text and "Appendix" not in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages:")))
    print(f"demo PDF: {pages} pages")
    assert pages <= 10
    html = tmp_path / "weekly-2026-W27.html"
    assert html.stat().st_size < 1_000_000  # it was 5 MB with plotly.js inlined
    artifacts = Path(__file__).parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(artifacts / "weekly-demo-page")], check=True)  # fmt: skip
    assert (artifacts / "weekly-demo-page.png").stat().st_size > 50_000
