"""The PDF: printed by headless Chromium after the charts drew; pages with text; a PNG of
page 1 in tests/reports/artifacts/ for a reviewer to look at."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ecoute.core.db import connect
from ecoute.reports.pdf import PdfError, html_to_pdf
from ecoute.reports.weekly import write_weekly
from tests.reports._report_fixtures import W10

ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.browser


def test_pdf_has_pages_with_the_numbers(tiny, tmp_path, chromium, poppler):
    con = connect(tiny, read_only=True)
    try:
        written = write_weekly(con, tiny, W10, tmp_path / "out", pdf=True)
    finally:
        con.close()
    pdf = written.pdf
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages:")))
    assert 2 <= pages <= 6  # the journeys' appendix is left out of the PDF unless asked for
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for expected in ("Weekly service report", "Week 2026-W10", "3 alerts this week",
                     "40.0 %", "Customer stories of the week", "Filters and parameters"):  # fmt: skip
        assert expected in text, expected
    # the charts drew before printing: their titles and axes are text in the PDF
    assert "Inbound calls and abandon rate, by week" in text
    assert "Open fault tickets at the week" in text
    assert "Appendix" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / "weekly-tiny-page"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True)  # fmt: skip
    png = stem.with_suffix(".png")
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one


def test_missing_browser_is_a_clear_error(tmp_path, tiny):
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>")
    settings = tiny.with_overrides(report={"chromium": "/nonexistent/chromium"})
    with pytest.raises(PdfError, match="no Chromium found"):
        html_to_pdf(html, tmp_path / "r.pdf", settings)
