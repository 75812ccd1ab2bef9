"""Churn scores of the rules mode both ways on one built warehouse, in one run:
``python -m bench.risk_scores WAREHOUSE [--rounds 2]``.

- python: the features read a batch of customers at a time into polars and scored by the
  engine (ecoute.risk.rules.score_columns), as the build did until session 7;
- sql: the one query written from the engine's definitions (warehouse/python/risk_rules.py).

Each writes a temporary table (the warehouse is not changed), the order alternating by round.
Prints wall and CPU seconds (user + system, all threads) beside each other, then compares the
two tables with ``except all`` both ways: scores to the last digit, bands and reasons.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

import duckdb

from ecoute.core.settings import load_settings
from ecoute.risk.config import risk_config
from ecoute.warehouse.python.risk import _COLUMNS, _score_batches, rebands
from ecoute.warehouse.python.risk_features import FEATURES_MODEL
from ecoute.warehouse.python.risk_rules import rules_scores_sql


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    settings = load_settings(warehouse=args.warehouse)
    cfg = risk_config(settings)
    con = duckdb.connect(args.warehouse, read_only=True)
    as_of = con.execute(f"select max(as_of_date)::date from {FEATURES_MODEL}").fetchone()[0]

    def by_python() -> None:
        _score_batches(con, settings, FEATURES_MODEL, "temp.by_python", cfg, None)

    def by_sql() -> None:
        con.execute(f"insert into temp.by_sql {rules_scores_sql(FEATURES_MODEL, cfg)}")

    runs: dict[str, Callable[[], None]] = {"python": by_python, "sql": by_sql}
    for r in range(args.rounds):
        for name in ("python", "sql") if r % 2 == 0 else ("sql", "python"):
            con.execute(f"create or replace temp table by_{name} ({_COLUMNS})")
            wall, cpu = time.perf_counter(), _cpu()
            runs[name]()
            rebands(con, f"temp.by_{name}", as_of, cfg)
            print(f"round {r + 1} {name}: {time.perf_counter() - wall:.2f} s wall, "
                  f"{_cpu() - cpu:.2f} CPU-s")  # fmt: skip
    rows = con.execute("select count(*) from temp.by_sql").fetchone()[0]
    differ = con.execute(
        "select count(*) from ((from temp.by_sql except all from temp.by_python) "
        "union all (from temp.by_python except all from temp.by_sql))"
    ).fetchone()[0]
    print(f"{rows} customers scored; rows differing between the two: {differ}")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
