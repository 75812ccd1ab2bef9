"""Read commands on a built warehouse, each beside its peer in the same run: ``python -m
bench.reads --warehouse W`` (``make bench`` builds the default demo for it).

Each command runs ``--rounds`` times in its own process (stdout to /dev/null), alternating with
its peer: a Python process that imports duckdb, opens the warehouse read-only and runs one query
(``select 1``) — what any read pays before doing anything. Odd rounds run the command first,
even rounds the peer first, so a burst of load on the shared machine falls on both. The medians
of wall time and of CPU time (user + system, steadier on a loaded machine) are quoted, each with
its ratio to the peer's measured beside it. The load average at the start and end is printed.
Targets (issue 23): every read under 1 s, the weekly report under 2 s, on the default demo.
Writes bench/out/reads.json; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.run import OUT, Step, measure

PEER = "import duckdb; duckdb.connect({path!r}, read_only=True).execute('select 1').fetchall()"
# (name, ecoute arguments after --warehouse W, target seconds)
READS = (
    ("metrics", ["metrics", "--week", "{week}"], 1.0),
    ("worst", ["worst", "--week", "{week}"], 1.0),
    ("customer", ["customer", "{customer}"], 1.0),
    ("messages", ["messages", "--week", "{week}"], 1.0),
    ("compensation", ["compensation", "--week", "{week}", "--format", "csv"], 1.0),
    ("compensation (table)", ["compensation", "--week", "{week}"], 1.0),
    ("risk", ["risk"], 1.0),
    ("check", ["check"], 1.0),
    ("status", ["status"], 1.0),
    ("report weekly", ["report", "weekly", "--week", "{week}", "--out", "{out}"], 2.0),
)


def paired(commands: dict[str, list[str]], rounds: int) -> dict[str, Step]:
    """Median wall and CPU seconds (and the largest peak RSS) of ``rounds`` runs of each
    command, the order rotated every round so none always runs first."""
    steps: dict[str, list[Step]] = {name: [] for name in commands}
    names = list(commands)
    for i in range(rounds):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            steps[name].append(measure(name, commands[name]))
    return {name: _median(name, runs) for name, runs in steps.items()}


def _median(name: str, steps: list[Step]) -> Step:
    return Step(name, statistics.median(s.seconds for s in steps),
                max(s.peak_mb for s in steps), statistics.median(s.cpu_s for s in steps))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--week", default="2026-W27")
    parser.add_argument("--customer", default=None, help="default: the riskiest customer")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", help="only this read (repeatable)")
    parser.add_argument(
        "--baseline", type=Path, help="another ecoute (an older checkout's) run beside each read"
    )
    args = parser.parse_args(argv)
    customer = args.customer or _a_customer(args.warehouse)
    ecoute = [str(Path(sys.executable).with_name("ecoute")), "--warehouse", str(args.warehouse)]
    peer = [sys.executable, "-c", PEER.format(path=str(args.warehouse))]
    load_before = os.getloadavg()
    rows, missed = [], []
    with tempfile.TemporaryDirectory() as out:
        for name, command, target in READS:
            if args.only and name not in args.only:
                continue
            filled = [a.format(week=args.week, customer=customer, out=out) for a in command]
            commands = {"read": ecoute + filled, "peer": peer}
            if args.baseline:
                commands["baseline"] = [str(args.baseline), *ecoute[1:], *filled]
            measured = paired(commands, args.rounds)
            step, peer_step = measured["read"], measured["peer"]
            row = {"read": name, "seconds": step.seconds, "cpu_s": step.cpu_s,
                   "peer_seconds": peer_step.seconds, "peer_cpu_s": peer_step.cpu_s,
                   "ratio": round(step.seconds / peer_step.seconds, 1),
                   "cpu_ratio": round(step.cpu_s / max(peer_step.cpu_s, 0.01), 1),
                   "peak_mb": step.peak_mb, "target_s": target,
                   "met": step.seconds <= target}  # fmt: skip
            rows.append(row)
            missed += [] if row["met"] else [name]
            print(f"{name:<22} {step.seconds:5.2f} s ({step.cpu_s:4.2f} CPU-s)  "
                  f"peer {peer_step.seconds:4.2f} s ({peer_step.cpu_s:4.2f})  "
                  f"×{row['ratio']:<4} (CPU ×{row['cpu_ratio']:<4}) {step.peak_mb:5.0f} MB  "
                  f"target {target:.0f} s {'ok' if row['met'] else 'MISSED'}", flush=True)  # fmt: skip
            if args.baseline:
                base = measured["baseline"]
                row |= {"baseline_seconds": base.seconds, "baseline_cpu_s": base.cpu_s}
                print(f"{'  (baseline)':<22} {base.seconds:5.2f} s ({base.cpu_s:4.2f} CPU-s)")
    load = {"load_average_before": load_before, "load_average_after": os.getloadavg()}
    print(
        f"load average (1, 5, 15 min): before {_load(load_before)}, after {_load(os.getloadavg())}"
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "reads.json").write_text(json.dumps({"warehouse": str(args.warehouse), **load,
                                                "reads": rows}, indent=2))  # fmt: skip
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


def _load(triple: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.1f}" for x in triple)


def _a_customer(path: Path) -> str:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select customer_id from marts.rpt_customers__risk order by score desc limit 1"
        ).fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    raise SystemExit(main())
