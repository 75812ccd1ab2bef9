"""One table of every target `make bench` holds, each beside its peer of the same run, read from
the JSON the benchmarks wrote in bench/out/ (the last step of `make bench`).

    python -m bench.summary            # prints the table, writes bench/out/summary.md

A benchmark that did not run (or failed before writing its JSON) is a row saying so: `make
bench` deletes the previous run's JSON first, so no figure comes from an older run; each row
also says when its file was written.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.run import OUT

Row = tuple[str, str, str, str, str, bool]  # work, ours, peer, ratio, target, met


def _reads(d: dict[str, Any]) -> Iterator[Row]:
    for r in d["reads"]:
        target = r["target_s"]
        yield (f"`ecoute {r['read']}` (default demo)", f"{r['seconds']:.2f} s",
               f"`select 1` process {r['peer_seconds']:.2f} s", f"×{r['ratio']}",
               f"< {target:g} s", r["met"])  # fmt: skip


def _load(d: dict[str, Any]) -> Iterator[Row]:
    bare, ours = d["steps"]
    yield (f"load {d['rows']:,} calls (`ecoute load --no-checks --no-build`)",
           f"{ours['seconds']} s · {ours['cpu_s']} CPU-s",
           f"bare `read_csv` {bare['seconds']} s · {bare['cpu_s']} CPU-s",
           f"{d['load_ratio']} (CPU {d['load_cpu_ratio']})", "≤ 1.5", d["load_ratio"] <= 1.5)  # fmt: skip


def _build(d: dict[str, Any]) -> Iterator[Row]:
    yield (f"build, {d['customers']:,} customers, Python steps included",
           f"{d['ours_s']} s, peak {d['peak_mb']:,.0f} MB",
           f"dbt-duckdb, same models and steps {d['dbt_s']} s",
           f"{d['build_ratio']} (CPU {d['build_cpu_ratio']})", "≤ 1.1, < 2 GB",
           d["build_ratio"] <= 1.1 and d["peak_mb"] < 2048)  # fmt: skip


def _gates(d: list[dict[str, Any]]) -> Iterator[Row]:
    for case in d:
        clock = case.get("clock") or {}
        yield (f"quality gates, {case['case']}", f"{case['ratio']:+} × the load (gate's clock "
               f"{clock.get('gate_s', '–')} s of {clock.get('load_s', '–')} s)",
               "the same load without gates", str(case["ratio"]), "≤ 0.25",
               case["ratio"] <= 0.25 or clock.get("gate_share", 1) <= 0.25)  # fmt: skip


def _daily(d: dict[str, Any]) -> Iterator[Row]:
    yield (f"the daily routine, {d['customers']:,}-customer history",
           f"{d['routine_s']} s", f"the same day into an empty warehouse {d['empty_s']} s",
           f"{d['day_with_build_ratio']} (CPU {d['day_with_build_ratio_cpu']})", "≤ 2",
           d["day_with_build_ratio"] <= 2.0)  # fmt: skip


def _landing(d: dict[str, Any]) -> Iterator[Row]:
    page, peer = d["page"], d["peer"]
    yield ("dashboard landing, first view drawn", f"{page['view_s']:.2f} s",
           f"smallest Dash page drawing one graph {peer['view_s']:.2f} s" if peer else "–",
           f"{page['view_s'] / peer['view_s']:.2f}" if peer else "–",
           f"< {d['target_view_s']:g} s", d["met"])  # fmt: skip


def _packs(d: dict[str, Any]) -> Iterator[Row]:
    def median_s(kind: str) -> float:
        return statistics.median(s["seconds"] for s in d["steps"] if s["name"].startswith(kind))

    yield (f"load {d['rows']:,} Amazon Connect records ({d['jsonl_mb']:,.0f} MB of JSON Lines)",
           f"{median_s('Amazon Connect'):.1f} s",
           f"the same calls as contract CSV ({d['csv_mb']:,.0f} MB) {median_s('contract CSV'):.1f} s",
           f"{d['ratio']} (CPU {d['cpu_ratio']})", "≤ 2 (issue 22)", d["ratio"] <= 2.0)  # fmt: skip


SOURCES: list[tuple[str, Callable[[Any], Iterator[Row]]]] = [
    ("results.json", _load), ("build.json", _build), ("reads.json", _reads),
    ("dashboard_landing.json", _landing), ("packs.json", _packs),
    ("expectations.json", _gates), ("daily.json", _daily),
]  # fmt: skip


def table(out: Path = OUT) -> tuple[str, bool]:
    lines = ["| work | Écoute | peer (same run) | ratio | target | met |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    all_met = True
    for name, rows in SOURCES:
        path = out / name
        if not path.exists():
            lines.append(f"| {name} | not run | | | | **no** |")
            all_met = False
            continue
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).strftime("%H:%M UTC")
        for work, ours, peer, ratio, target, met in rows(json.loads(path.read_text("utf-8"))):
            all_met &= met
            verdict = "yes" if met else "**no**"
            lines.append(f"| {work} ({when}) | {ours} | {peer} | {ratio} | {target} | {verdict} |")
    return "\n".join(lines), all_met


def main() -> None:
    text, all_met = table()
    (OUT / "summary.md").write_text(text + "\n", "utf-8")
    print(text)
    print("every target met" if all_met else "some targets missed (see the rows marked no)")


if __name__ == "__main__":
    main()
