"""Benchmarks, measured in one run on this machine: ``make bench`` (BENCH_ROWS=5000000).

Each step runs in its own process so its time and peak memory (ru_maxrss) are its own. The load is
quoted as a ratio against a bare DuckDB ``CREATE TABLE … AS SELECT * FROM read_csv(…)`` of the same
file in the same run, so the figure means the same on a faster or slower machine.
Writes bench/out/results.json and bench/out/results.md; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

OUT = Path(__file__).with_name("out")
TARGETS = {"load_ratio": 1.5, "load_peak_mb": 2048}  # issue 23: load ≤ 1.5× bare read_csv


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float
    # user + system time of all its threads: steadier than wall time on a shared machine
    cpu_s: float = 0.0


def measure(name: str, argv: list[str], env: dict[str, str] | None = None) -> Step:
    """Run one command; its wall time, CPU time and the peak resident memory of its process.

    The peak is the command's own high-water mark (``VmHWM``, read while it runs), not
    ``ru_maxrss``: Linux hands a child the peak of the process it was forked from at ``exec``,
    so every command run from a bench that had itself grown to 2.4 GB reported 2.4 GB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    status_file, peak_kb = Path(f"/proc/{proc.pid}/status"), 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_kb = max(peak_kb, _high_water_kb(status_file))
        time.sleep(0.02)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"bench step {name!r} failed (status {status}): {' '.join(argv)}")
    cpu = usage.ru_utime + usage.ru_stime
    return Step(name, round(seconds, 2), round(peak_kb / 1024, 1), round(cpu, 2))


def _high_water_kb(status_file: Path) -> int:
    """The process's peak resident memory so far, in kB (0 once it has gone)."""
    try:
        for line in status_file.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def write_calls(path: Path, rows: int) -> None:
    """N call rows in the contract's format: realistic columns, some unanswered, some tickets."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.sql(f"""
        copy (
          select 'C' || lpad(i::varchar, 10, '0') as call_id,
                 case when i % 10 = 0 then 'outbound' else 'inbound' end as direction,
                 strftime(timestamp '2026-01-05 07:00' + to_seconds(i * 3), '%Y-%m-%d %H:%M:%S') as started_at,
                 strftime(timestamp '2026-01-05 07:00' + to_seconds(i * 3 + 240 + i % 600), '%Y-%m-%d %H:%M:%S') as ended_at,
                 'CUST' || lpad((hash(i) % 1000000)::varchar, 7, '0') as customer_id,
                 'Q' || (i % 12)::varchar as queue,
                 'A' || (i % 400)::varchar as agent_id,
                 strftime(timestamp '2026-01-05 07:00' + to_seconds(i * 3 + 5), '%Y-%m-%d %H:%M:%S') as queued_at,
                 case when i % 9 <> 0 then strftime(timestamp '2026-01-05 07:00' + to_seconds(i * 3 + 30), '%Y-%m-%d %H:%M:%S') end as answered_at,
                 case i % 50 when 0 then 'system' when 1 then 'agent' else 'customer' end as disconnect_party,
                 case when i % 4 = 0 then 'T' || (i // 4)::varchar end as ticket_id,
                 case i % 3 when 0 then 'internet' when 1 then 'billing' else 'tv' end as reason
          from range({rows}) t(i)
        ) to '{path}' (header, delimiter ',')
    """)


def bench_load(rows: int, work: Path) -> dict[str, object]:
    data = work / "export"
    csv = data / "calls.csv"
    if not csv.exists() or _rows_in(work) != rows:
        print(f"writing {rows:,} call rows to {csv} …", flush=True)
        write_calls(csv, rows)
    py = sys.executable
    bare_db, load_db = work / "bare.duckdb", work / "load.duckdb"
    for db in (bare_db, load_db):
        db.unlink(missing_ok=True)
    bare = measure("bare read_csv", [py, "-c", (
        "import duckdb,sys; con=duckdb.connect(sys.argv[1]); con.execute(\"set threads=2\");"
        "con.execute(\"create table calls as select * from read_csv('" + str(csv) + "')\")"
    ), str(bare_db)])  # fmt: skip
    env = {"ECOUTE_WAREHOUSE": str(load_db), "ECOUTE__ETL__PII_KEY": "bench-key"}  # a load refuses the default key
    load = measure("ecoute load", [py, "-m", "ecoute.cli", "load", str(data), "--no-checks",
                                   "--no-build"], env)  # fmt: skip
    return {"rows": rows, "steps": [asdict(bare), asdict(load)],
            "load_ratio": round(load.seconds / bare.seconds, 2), "load_peak_mb": load.peak_mb,
            "load_cpu_ratio": round(load.cpu_s / bare.cpu_s, 2)}  # fmt: skip


def _rows_in(work: Path) -> int:
    # Beside the export folder, not in it: the load would warn about a file it cannot place.
    marker = work / "calls.rows"
    return int(marker.read_text()) if marker.exists() else -1


def report(results: dict[str, object]) -> tuple[str, list[str]]:
    missed = [f"{k} = {results[k]} (target ≤ {v})" for k, v in TARGETS.items() if results[k] > v]
    lines = ["| step | seconds | CPU seconds | peak MB |", "|---|---:|---:|---:|"]
    lines += [f"| {s['name']} | {s['seconds']} | {s['cpu_s']} | {s['peak_mb']} |"
              for s in results["steps"]]  # fmt: skip
    lines += ["", f"load ratio (ecoute load ÷ bare read_csv): **{results['load_ratio']}** "
              f"(target ≤ {TARGETS['load_ratio']}); in CPU time: {results['load_cpu_ratio']}; "
              f"rows: {results['rows']:,}"]  # fmt: skip
    return "\n".join(lines) + "\n", missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--work", type=Path, default=OUT / "work")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = bench_load(args.rows, args.work)
    (args.work / "calls.rows").write_text(str(args.rows))
    OUT.mkdir(parents=True, exist_ok=True)
    table, missed = report(results)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    (OUT / "results.md").write_text(table)
    print(table)
    if missed:
        print("targets missed: " + "; ".join(missed))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
