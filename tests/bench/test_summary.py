"""bench.summary: one row per target from the benchmarks' JSON, a missed target and a benchmark
that did not run both marked, never hidden."""

from __future__ import annotations

import json
from pathlib import Path

from bench.summary import table


def test_a_met_a_missed_and_a_missing_benchmark(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(json.dumps({
        "rows": 5_000_000, "load_ratio": 2.0, "load_cpu_ratio": 2.33,
        "steps": [{"name": "bare read_csv", "seconds": 10.0, "cpu_s": 14.8},
                  {"name": "ecoute load", "seconds": 20.0, "cpu_s": 34.4}]}))  # fmt: skip
    (tmp_path / "daily.json").write_text(json.dumps({
        "customers": 1_000_000, "routine_s": 3.0, "empty_s": 2.0,
        "day_with_build_ratio": 1.5, "day_with_build_ratio_cpu": 1.6}))  # fmt: skip
    text, all_met = table(tmp_path)
    rows = text.splitlines()[2:]
    load = next(r for r in rows if r.startswith("| load 5,000,000 calls"))
    daily = next(r for r in rows if r.startswith("| the daily routine"))
    assert load.endswith("| 2.0 (CPU 2.33) | ≤ 1.5 | **no** |")  # 20.0 / 10.0 = 2.0 > 1.5
    assert daily.endswith("| 1.5 (CPU 1.6) | ≤ 2 | yes |")  # 3.0 / 2.0 = 1.5 ≤ 2
    assert "| build.json | not run |" in text
    assert not all_met
