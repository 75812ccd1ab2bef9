"""How long the weekly report takes on a demo warehouse (the issue asks < 10 s for 16 weeks).

    .venv/bin/python tests/reports/bench_report.py                       # builds the default demo
    .venv/bin/python tests/reports/bench_report.py --warehouse W.duckdb  # an existing warehouse

Prints the time of one national report (read + render + write, HTML only), of the same with
its PDF, and of the burst (national + every region). Not a timed test: machines differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--week", default="2026-W27")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ecoute-bench-report-"))
    warehouse = args.warehouse
    if warehouse is None:
        warehouse = work / "demo.duckdb"
        started = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/ecoute"), "--warehouse", str(warehouse), "demo",
                        "--out", str(work / "exports")], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        print(
            f"default demo (16 weeks) generated and loaded in {time.perf_counter() - started:.1f} s"
        )

    from ecoute.core.db import connect
    from ecoute.core.settings import load_settings
    from ecoute.reports.run import run_weekly

    settings = load_settings(warehouse=warehouse, environ={})
    year, week = (int(x) for x in args.week.split("-W"))
    monday = dt.date.fromisocalendar(year, week, 1)
    con = connect(settings, read_only=True)
    weeks = con.execute(
        "select count(distinct week_start) from marts.rpt_metrics__weekly"
    ).fetchone()[0]
    con.close()
    print(f"warehouse {warehouse}: {weeks} weeks in marts.rpt_metrics__weekly")
    timings = {}
    started = time.perf_counter()
    run_weekly(settings, monday, work / "one", echo=lambda _: None)
    timings["national report, HTML"] = time.perf_counter() - started
    if args.pdf:
        started = time.perf_counter()
        run_weekly(settings, monday, work / "pdf", pdf=True, echo=lambda _: None)
        timings["national report, HTML + PDF"] = time.perf_counter() - started
    started = time.perf_counter()
    results = run_weekly(settings, monday, work / "burst", all_regions=True, echo=lambda _: None)
    timings[f"burst, {len(results)} reports"] = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"{name:<32} {seconds:6.2f} s")
    ok = timings["national report, HTML"] < 10
    print("OK: under 10 s" if ok else "TOO SLOW: 10 s or more")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
