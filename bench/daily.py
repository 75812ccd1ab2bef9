"""The daily routine on a history: one day's ``ecoute load`` (its incremental build included) on a
built history of N customers, beside the same day into an empty warehouse, in one run.

``python -m bench.daily --customers 200000 --rounds 2`` (``make bench``: BENCH_CUSTOMERS). The
world is the scale benchmark's (bench/world.py): generated once, its last day of calls held back
as the day. The history is loaded and built in full once (not timed); each round copies that
warehouse and runs, in alternating order, ``ecoute load DAY`` on the copy and ``ecoute load DAY``
into an empty warehouse (a first build: full, of one day). Prints the ratio of their medians
(``day_with_build_ratio``) and the incremental build's seconds per step (``meta.builds``).
Writes bench/out/daily.json; exits 1 above ``TARGET`` (issue 23: the routine flat).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

from bench.run import OUT, Step, measure
from bench.world import split_last_day

TARGET = 2.0
MAPPING = Path("etl/mappings/demo_fr_excel.yaml").resolve()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecoute.cli", *args]


def _env(db: Path) -> dict[str, str]:
    return {"ECOUTE_WAREHOUSE": str(db)}


def prepare(customers: int, work: Path) -> Path:
    """The built history warehouse (kept between runs: only its absence costs the build)."""
    world, history, day = work / "world", work / "history", work / "day"
    built = work / f"history-{customers}.duckdb"
    if built.exists() and (day / "calls.csv").exists():
        return built
    if not (world / "customers.csv").exists():
        print(f"generating {customers:,} customers …", flush=True)
        measure("generate", [sys.executable, "-c", (
            "import sys; from pathlib import Path; from ecoute.demo import generate;"
            f"generate(Path(sys.argv[1]), customers={customers})"), str(world)])  # fmt: skip
    split_last_day(world, history, day)
    tmp = built.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    print("loading and building the history (not timed) …", flush=True)
    load = _cli("load", "--mapping", str(MAPPING), "--no-checks", str(history), "--no-build")
    measure("history load", load, _env(tmp))
    measure("history build", _cli("build", "--no-atomic"), _env(tmp))
    tmp.rename(built)
    return built


def _flush(path: Path) -> None:
    """Write the fresh copy to disk before the clock starts: otherwise the routine's first
    checkpoint (its fsync) also flushes the ~0.9 GB the copy left in the page cache, ~2 s on
    this machine that a warehouse not just copied never pays (docs/performance.md, session 7)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def routine(built: Path, day: Path, work: Path, on_history: bool) -> tuple[Step, dict]:
    """One ``ecoute load DAY`` (with its build) on a copy of the history, or into an empty file."""
    db = work / ("routine.duckdb" if on_history else "empty.duckdb")
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    if on_history:
        shutil.copyfile(built, db)
        _flush(db)
    name = "day on the history" if on_history else "day into an empty warehouse"
    argv = _cli("load", "--mapping", str(MAPPING), "--no-checks", str(day))
    step = measure(name, argv, _env(db))
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "select kind, reason, scope_customers, seconds, step_seconds from meta.builds "
        "order by build_id desc limit 1"
    ).fetchone()
    con.close()
    build = {"kind": row[0], "reason": row[1], "scope": row[2], "seconds": row[3],
             "step_seconds": json.loads(row[4] or "{}")}  # fmt: skip
    print(f"  {name}: {step.seconds} s (CPU {step.cpu_s} s), build {build['kind']} "
          f"{build['seconds']} s, scope {build['scope']}", flush=True)  # fmt: skip
    return step, build


def run(customers: int, work: Path, rounds: int) -> dict[str, object]:
    built = prepare(customers, work)
    day = work / "day"
    pairs = []
    for i in range(rounds):
        order = (True, False) if i % 2 == 0 else (False, True)  # alternate who goes first
        got = {on: routine(built, day, work, on) for on in order}
        pairs.append(got)
    hist = [p[True][0] for p in pairs]
    empty = [p[False][0] for p in pairs]
    med = lambda steps, attr: statistics.median(getattr(s, attr) for s in steps)  # noqa: E731
    last_build = pairs[-1][True][1]
    top = sorted(last_build["step_seconds"].items(), key=lambda kv: -kv[1])
    return {
        "customers": customers,
        "rounds": [
            {
                "history": asdict(p[True][0]),
                "history_build": p[True][1],
                "empty": asdict(p[False][0]),
                "empty_build": p[False][1],
            }
            for p in pairs
        ],  # fmt: skip
        "routine_s": med(hist, "seconds"),
        "empty_s": med(empty, "seconds"),
        "day_with_build_ratio": round(med(hist, "seconds") / med(empty, "seconds"), 2),
        "day_with_build_ratio_cpu": round(med(hist, "cpu_s") / med(empty, "cpu_s"), 2),
        "slowest_steps": top[:15],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=OUT / "world")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    results = run(args.customers, args.work, args.rounds)
    (OUT / "daily.json").write_text(json.dumps(results, indent=2))
    print(f"routine {results['routine_s']} s, empty {results['empty_s']} s: "
          f"day_with_build_ratio {results['day_with_build_ratio']} (CPU "
          f"{results['day_with_build_ratio_cpu']}), target ≤ {TARGET}")  # fmt: skip
    for name, s in results["slowest_steps"]:
        print(f"  {s:8.3f}  {name}")
    if results["day_with_build_ratio"] > TARGET:
        print(f"target missed: day_with_build_ratio > {TARGET}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
