"""Source-pack benchmark: N Amazon Connect contact records (JSON Lines, nested Agent / Queue /
Attributes, read through etl/sources/amazon-connect) against the same N calls as contract CSV.

``python -m bench.packs --rows 1000000``: writes the calls once as contract CSV (bench/run.py's
generator) and once as contact records (the demo's writer, ecoute/demo/sql/amazon_connect.sql),
loads each into an empty warehouse with ``ecoute load --no-checks --no-build`` in its own
process, and reports wall time, CPU time and peak memory. Target: the Connect load within 2× of
the CSV load in wall time: the median of ``--rounds`` rounds, each running both loads back to
back, which goes first alternating. Both must load every call. Writes bench/out/packs.json and
bench/out/packs.md; exits 1 when the target is missed.

``--baseline DIR``: DIR holds an older checkout as an importable ``ecoute`` package; its Connect
load runs in the same rounds, so before and after are measured under the same machine load.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from statistics import median

from bench.run import OUT, Step, measure, write_calls

TARGET = 2.0
BASELINE = "Amazon Connect, baseline"


def write_contact_records(csv: Path, target: Path) -> None:
    """The CSV's calls as Connect contact records, one per call (no later copies)."""
    import duckdb

    from ecoute.demo.as_platform import SQL_DIR, _instant, _macros

    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    _macros(con)
    times = ", ".join(_instant(c) for c in ("started_at", "ended_at", "queued_at", "answered_at"))
    con.execute(
        "create temp table _canon_calls as select row_number() over () as _row, "
        "* exclude (started_at, ended_at, queued_at, answered_at), "
        "null::varchar as initiation, null::varchar as previous_call_id, "
        f"null::varchar as outcome, null::varchar as next_call_id, {times} "
        f"from read_csv('{csv}', all_varchar=true)"
    )
    select = (SQL_DIR / "amazon_connect.sql").read_text(encoding="utf-8")
    con.execute(f"copy ({select}) to '{target}' (format json)")
    con.close()


def bench(rows: int, work: Path, rounds: int = 2, baseline: Path | None = None) -> dict[str, object]:
    csv_dir, connect_dir = work / "csv", work / "connect"
    csv = csv_dir / "calls.csv"
    records = connect_dir / "contact-records" / "records.jsonl"
    marker = work / "rows"
    if not marker.exists() or marker.read_text() != str(rows):
        print(f"writing {rows:,} calls as CSV and as contact records …", flush=True)
        write_calls(csv, rows)
        write_contact_records(csv, records)
        marker.write_text(str(rows))
    loads = {"contract CSV": (csv_dir, []),
             "Amazon Connect": (connect_dir, ["--source", "amazon-connect"])}  # fmt: skip
    if baseline is not None:  # the same Connect load by older code, in the same rounds
        loads[BASELINE] = (connect_dir, ["--source", "amazon-connect"])
    steps: list[Step] = []
    for r in range(rounds):
        # Alternate which load goes first: the machine is shared, and a round's load decides.
        order = list(loads) if r % 2 == 0 else list(reversed(loads))
        for name in order:
            folder, extra = loads[name]
            db = work / f"{folder.name}.duckdb"
            db.unlink(missing_ok=True)
            cli = ["-m", "ecoute.cli"]
            if name == BASELINE:
                run = f"import sys; sys.path.insert(0, {str(baseline)!r}); from ecoute.cli import app; app()"
                cli = ["-c", run]
            argv = [sys.executable, *cli, "load", str(folder), *extra,
                    "--no-checks", "--no-build"]  # fmt: skip
            env = {"ECOUTE_WAREHOUSE": str(db), "ECOUTE__ETL__PII_KEY": "bench-key"}
            step = measure(name, argv, env)
            step.name = f"{name} (round {r + 1})"
            steps.append(step)
            _check_counts(db, name, rows)
            print(f"  {step}", flush=True)
    csv_steps = [s for s in steps if s.name.startswith("contract CSV")]
    connect_steps = [s for s in steps if s.name.startswith("Amazon Connect (round")]
    ratios = [c.seconds / v.seconds for c, v in zip(connect_steps, csv_steps, strict=True)]
    cpu = [c.cpu_s / v.cpu_s for c, v in zip(connect_steps, csv_steps, strict=True)]
    base_steps = [s for s in steps if s.name.startswith(BASELINE)]
    return {
        "baseline_ratio": round(median(b.seconds / v.seconds for b, v in zip(
            base_steps, csv_steps, strict=True)), 2) if base_steps else None,  # fmt: skip
        "baseline_cpu_ratio": round(median(b.cpu_s / v.cpu_s for b, v in zip(
            base_steps, csv_steps, strict=True)), 2) if base_steps else None,  # fmt: skip
        "rows": rows,
        "steps": [asdict(s) for s in steps],
        # Each round's ratio is of two loads run back to back; the median round is quoted.
        "ratio": round(median(ratios), 2),
        "ratios": [round(x, 2) for x in ratios],
        "cpu_ratio": round(median(cpu), 2),
        "peak_ratio": round(
            max(s.peak_mb for s in connect_steps) / max(s.peak_mb for s in csv_steps), 2
        ),  # fmt: skip
        "jsonl_mb": round(records.stat().st_size / 1e6, 1),
        "csv_mb": round(csv.stat().st_size / 1e6, 1),
    }


def _check_counts(db: Path, name: str, rows: int) -> None:
    """Both loads must have loaded every call: a fast load that lost rows proves nothing."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    read, loaded = con.execute(
        "select sum(rows_read), sum(rows_loaded) from meta.load_files"
    ).fetchone()
    con.close()
    if read != rows or loaded != rows:
        raise SystemExit(f"{name}: read {read}, loaded {loaded}, expected {rows:,} each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=OUT / "packs")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a folder whose `ecoute` package is older code: its Connect load "
                        "runs in the same rounds, for a before/after in the same conditions")  # fmt: skip
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = bench(args.rows, args.work, args.rounds, args.baseline)
    OUT.mkdir(parents=True, exist_ok=True)
    lines = ["| load | seconds | CPU seconds | peak MB |", "|---|---:|---:|---:|"]
    lines += [f"| {s['name']} | {s['seconds']} | {s['cpu_s']} | {s['peak_mb']} |"
              for s in results["steps"]]  # fmt: skip
    lines += ["", f"Amazon Connect ÷ contract CSV, wall time, median round: **{results['ratio']}** "
              f"(target ≤ {TARGET}; rounds {results['ratios']}); in CPU time "
              f"{results['cpu_ratio']}; peak memory {results['peak_ratio']}; {results['rows']:,} calls, "
              f"{results['jsonl_mb']} MB of JSON Lines vs {results['csv_mb']} MB of CSV"]  # fmt: skip
    if results["baseline_ratio"] is not None:
        lines += ["", f"Baseline (older code) Connect ÷ contract CSV: {results['baseline_ratio']} "
                  f"wall, {results['baseline_cpu_ratio']} CPU"]  # fmt: skip
    (OUT / "packs.json").write_text(json.dumps(results, indent=2))
    (OUT / "packs.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if results["ratio"] > TARGET:
        raise SystemExit(f"target missed: ratio {results['ratio']} > {TARGET}")


if __name__ == "__main__":
    main()
