"""Time the dashboard's landing page in headless Chromium (a measurement, not a test).

    ecoute --warehouse W dashboard --port 8071 &
    python -m bench.dashboard_landing --url http://127.0.0.1:8071/ [--repeat 5]

Each run opens a fresh browser context (cold browser cache, as a first visit; the server's
cache is warm after the first run) and reports, from the start of navigation: the browser's
first contentful paint (``performance`` API: the header and the static tiles the page's HTML
carries), the first tiles visible to playwright (``.kpi-value``; its polling adds a few tenths
of a second on a loaded machine), the live tiles drawn by
Dash (``#kpi-value-inbound_calls``, the page interactive), the page's ``load`` event, and
every graph drawn (each ``.dash-graph`` holding its ``.main-svg``), plus the bytes fetched.
"""

from __future__ import annotations

import argparse
import statistics
import time

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ALL_DRAWN = """() => {
  const graphs = document.querySelectorAll('.dash-graph');
  return graphs.length > 0 && [...graphs].every(g => g.querySelector('.main-svg'));
}"""


def one_run(browser, url: str, timeout_ms: int) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    fetched: list[int] = []
    page.on("response", lambda r: fetched.append(int(r.headers.get("content-length") or 0)))
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_selector(".kpi-value", state="visible", timeout=timeout_ms)
    first = time.perf_counter() - start
    page.wait_for_selector("#kpi-value-inbound_calls", state="visible", timeout=timeout_ms)
    tiles = time.perf_counter() - start
    page.wait_for_load_state("load", timeout=timeout_ms)
    loaded = time.perf_counter() - start
    page.wait_for_function(ALL_DRAWN, timeout=timeout_ms)
    drawn = time.perf_counter() - start
    fcp = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)[0]"
    )
    kb = sum(fetched) / 1024
    static = page.evaluate("fetch(location.href).then(r => r.text())")
    assert "data-first-paint" in static, "the page's HTML carries no static tiles"
    graphs = page.evaluate("document.querySelectorAll('.dash-graph').length")
    context.close()
    return {"fcp_s": fcp / 1000, "first_tiles_s": first, "tiles_s": tiles, "load_s": loaded,
            "graphs_s": drawn, "graphs": graphs, "kb": kb}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050/")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout-s", type=float, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        runs = [one_run(browser, args.url, int(args.timeout_s * 1000)) for _ in range(args.repeat)]
        browser.close()
    for i, r in enumerate(runs, 1):
        print(f"run {i}: first paint {r['fcp_s']:.2f} s, first tiles {r['first_tiles_s']:.2f} s, live tiles {r['tiles_s']:.2f} s, load {r['load_s']:.2f} s, every graph "
              f"({r['graphs']}) {r['graphs_s']:.2f} s, {r['kb']:,.0f} kB fetched")  # fmt: skip
    for key in ("fcp_s", "first_tiles_s", "tiles_s", "load_s", "graphs_s"):
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.2f} s, "
              f"min {min(values):.2f}, max {max(values):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
