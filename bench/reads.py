"""Read commands on a built warehouse, each beside its peer in the same run: ``python -m
bench.reads --warehouse W`` (``make bench`` builds the default demo for it).

Each command runs ``--rounds`` times in its own process (stdout to /dev/null); the median wall
time is quoted beside the peer's: a Python process that imports duckdb, opens the warehouse
read-only and runs one query (``select 1``) — what any read pays before doing anything.
Targets (issue 23): every read under 1 s, the weekly report under 2 s, on the default demo.
Writes bench/out/reads.json; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from bench.run import OUT, measure

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
    ("report weekly", ["report", "weekly", "--week", "{week}", "--out", "{out}"], 2.0),
)


def median_seconds(name: str, argv: list[str], rounds: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MB) of ``rounds`` runs."""
    steps = [measure(name, argv) for _ in range(rounds)]
    return statistics.median(s.seconds for s in steps), max(s.peak_mb for s in steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--week", default="2026-W27")
    parser.add_argument("--customer", default=None, help="default: the riskiest customer")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    customer = args.customer or _a_customer(args.warehouse)
    ecoute = [str(Path(sys.executable).with_name("ecoute")), "--warehouse", str(args.warehouse)]
    peer_s, _ = median_seconds(
        "peer", [sys.executable, "-c", PEER.format(path=str(args.warehouse))], args.rounds
    )
    rows, missed = [], []
    with tempfile.TemporaryDirectory() as out:
        for name, command, target in READS:
            filled = [a.format(week=args.week, customer=customer, out=out) for a in command]
            seconds, peak = median_seconds(name, ecoute + filled, args.rounds)
            row = {"read": name, "seconds": seconds, "peer_seconds": peer_s,
                   "ratio": round(seconds / peer_s, 1), "peak_mb": peak, "target_s": target,
                   "met": seconds <= target}  # fmt: skip
            rows.append(row)
            missed += [] if row["met"] else [name]
            print(f"{name:<22} {seconds:6.2f} s  peer {peer_s:5.2f} s  ×{row['ratio']:<5} "
                  f"{peak:6.0f} MB  target {target:.0f} s {'ok' if row['met'] else 'MISSED'}")  # fmt: skip
    OUT.mkdir(exist_ok=True)
    (OUT / "reads.json").write_text(json.dumps({"warehouse": str(args.warehouse), "reads": rows},
                                               indent=2))  # fmt: skip
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


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
