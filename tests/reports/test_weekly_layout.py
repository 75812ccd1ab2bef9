"""The weekly report as people see it, checked in headless Chromium by element bounds (not
pixels): on a 390 px phone nothing is wider than the screen; on a desktop no target line of
the small multiples crosses a title. A screenshot of each goes to tests/reports/artifacts/."""

from __future__ import annotations

import math
import re
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


# ------------------------------------------------------------------ at desktop width, measured once

DESKTOP = """() => {
  const box = e => e.getBoundingClientRect();
  const inside = (e, outer) => { const b = box(e), o = box(outer);
    return b.left >= o.left - 0.5 && b.right <= o.right + 0.5 && b.top >= o.top - 0.5
      && b.bottom <= o.bottom + 0.5; };
  const main = document.querySelector('main'), style = getComputedStyle(main);
  const content = { left: box(main).left + parseFloat(style.paddingLeft),
                    right: box(main).right - parseFloat(style.paddingRight) };
  const ticks = (svg, side) => [...svg.querySelectorAll('text.tick-' + side)]
    .map(t => ({ text: t.textContent, inside: inside(t, svg) }));
  const multiples = [...document.querySelectorAll('#chart-headline .multiple')].map(m => ({
    metric: m.dataset.metric, width: box(m).width, ticks: ticks(m.querySelector('svg'), 'left') }));
  const calls = document.querySelector('#chart-calls svg');
  const q = document.querySelector('table.quarantine');
  return {
    content: { ...content, width: content.right - content.left },
    multiples,
    right_ticks: calls ? ticks(calls, 'right') : null,
    quarantine: q && { left: box(q).left, right: box(q).right,
                       scroll: q.scrollWidth, client: q.clientWidth },
    rows: [...document.querySelectorAll('tr')]
      .map(tr => [...tr.children].map(c => c.textContent.trim())),
  };
}"""


@pytest.fixture(scope="module")
def desktop(report_file) -> dict:
    """The report at 1000 px, measured once for the tests below; screenshot in artifacts/."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(report_file.as_uri())
        found = page.evaluate(DESKTOP)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "weekly-desktop-1000.png"), full_page=True)
    return found


def _number(text: str) -> float:
    """A tick as the French report prints it: `2,5 %`, `1 000 h` (narrow spaces) → 2.5, 1000."""
    digits = re.sub(r"[^\d,.-]", "", text.replace(" ", "").replace(" ", ""))
    return float(digits.replace(",", "."))


def _round_scale(values: list[float]) -> bool:
    """Ticks a person reads at a glance: from 0, equally spaced by 1, 2, 2.5 or 5 × 10ⁿ."""
    if len(values) < 2 or values[0] != 0:
        return False
    step = values[1] - values[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    evenly = all(math.isclose(b - a, step) for a, b in zip(values, values[1:], strict=False))
    return evenly and any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def test_every_small_multiple_axis_carries_its_unit_inside_the_chart(desktop):
    """Time to restore is in hours, rates in %: each tick says so, and none is clipped."""
    units = {m["metric"]: {t["text"].rsplit(" ", 1)[-1] for t in m["ticks"]}
             for m in desktop["multiples"]}  # fmt: skip
    assert units["time_to_restore_p80_h"] == {"h"}
    assert units["dropped_call_rate"] == {"%"} and units["service_level"] == {"%"}
    assert all(t["inside"] for m in desktop["multiples"] for t in m["ticks"])
    for m in desktop["multiples"]:
        assert _round_scale([_number(t["text"]) for t in m["ticks"]]), m


def test_the_right_axis_ticks_are_round_numbers(desktop):
    """The abandon rate's axis beside the calls bars: `0 / 10 / 20 / 30 %`, never 10.2 %."""
    ticks = desktop["right_ticks"]
    assert ticks and all(t["text"].endswith("%") and t["inside"] for t in ticks), ticks
    assert _round_scale([_number(t["text"]) for t in ticks]), ticks


def test_the_quarantine_table_stays_inside_the_page(desktop):
    q, content = desktop["quarantine"], desktop["content"]
    assert q is not None  # the fixture quarantines a row whose reason holds a <script>
    assert q["left"] >= content["left"] - 0.5 and q["right"] <= content["right"] + 0.5, q
    assert q["scroll"] <= q["client"] + 1, q  # nothing in a cell runs past the table


def test_small_multiples_use_the_width(desktop):
    """At 1000 px the page's content is 716 px: four panels a row, each above a fifth of it,
    together spanning at least nine tenths (the gaps take the rest)."""
    widths = [m["width"] for m in desktop["multiples"]]
    assert len(widths) == 8, widths
    assert min(widths) > desktop["content"]["width"] / 5, (widths, desktop["content"])
    assert sum(widths[:4]) >= 0.9 * desktop["content"]["width"], widths


def test_no_slice_row_without_any_event(desktop):
    """A `(none)` slice (no queue, no category) shows only when it counted something: never a
    row of 0 calls beside a rate, nor a row of dashes."""
    empty = {"", "–", "0"}
    ghosts = [r for r in desktop["rows"]
              if r and r[0] == "(none)" and (r[1] in empty or set(r[1:]) <= empty)]  # fmt: skip
    assert ghosts == []
