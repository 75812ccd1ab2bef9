"""The weekly report as people see it, checked in headless Chromium by element bounds (not
pixels): on a 390 px phone nothing is wider than the screen; on a desktop no target line of
the small multiples crosses a title. A screenshot of each goes to tests/reports/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoute.core.db import connect
from ecoute.reports.weekly import write_weekly
from tests.reports._report_fixtures import W10
from tests.reports.dashboard._browser import chromium

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"

TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5))
      out.push(`${e.tagName}.${e.getAttribute('class') || ''} ${Math.round(r.left)}–${Math.round(r.right)}`);
  }
  return {width, scroll: document.documentElement.scrollWidth, out};
}"""

OVERLAPS = """() => {
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const titles = [...document.querySelectorAll('.multiple-title, .chart-title, h2, h3')]
    .map(e => [e.textContent, e.getBoundingClientRect()]);
  const lines = [...document.querySelectorAll('.target-line')].map(e => e.getBoundingClientRect());
  const out = [];
  for (const line of lines) for (const [text, box] of titles) if (hit(line, box)) out.push(text);
  return {lines: lines.length, out};
}"""


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    from tests.reports._report_fixtures import tiny_warehouse

    root = tmp_path_factory.mktemp("layout")
    (root / "wh").mkdir()
    settings = tiny_warehouse(root / "wh")
    con = connect(settings, read_only=True)
    try:
        return write_weekly(con, settings, W10, root / "out", language="fr").html
    finally:
        con.close()


def test_phone_width_has_no_element_wider_than_the_screen(report_file):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(report_file.as_uri())
        found = page.evaluate(TOO_WIDE)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "weekly-phone-390.png"), full_page=True)
    assert found["scroll"] <= 390, found
    assert found["out"] == [], found["out"][:10]


def test_target_lines_cross_no_title(report_file):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(report_file.as_uri())
        found = page.evaluate(OVERLAPS)
    assert found["lines"] >= 8  # the headline metrics' green and red lines are drawn
    assert found["out"] == []
