"""The report as PDF: the same HTML printed by headless Chromium, after the charts have drawn.

Chromium is started with a throw-away profile, no network services and a virtual-time budget:
the page's scripts (plotly drawing the charts) run to completion before the page is printed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ecoute.core.settings import Settings

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfError(RuntimeError):
    """Chromium is missing or could not print the report."""


def find_chromium(settings: Settings | None = None) -> str | None:
    """The browser to print with: ``[report] chromium``, else the first one on the PATH."""
    configured = (settings.section("report").get("chromium") if settings else "") or ""
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return next((p for name in CANDIDATES if (p := shutil.which(name))), None)


def html_to_pdf(html: Path, pdf: Path, settings: Settings | None = None) -> Path:
    """Print `html` to `pdf` (A4, the page's own @page margins, no header or footer)."""
    browser = find_chromium(settings)
    if browser is None:
        raise PdfError(
            "no Chromium found for --pdf: install it (make system-deps) or set [report] chromium"
        )
    timeout = float((settings.section("report") if settings else {}).get("pdf_timeout_s", 120))
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp_pdf = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="ecoute-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=15000",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp_pdf}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Chromium did not finish printing within {timeout:.0f} s") from exc
    if done.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise PdfError(f"Chromium could not print {html.name}: {' / '.join(tail)}")
    tmp_pdf.replace(pdf)
    return pdf
