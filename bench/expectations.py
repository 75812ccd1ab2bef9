"""Benchmark: the calls suite on N generated rows, through DuckDB (our path) vs a pandas copy.

    .venv/bin/python -m bench.expectations --rows 5000000

Each path runs in its own process so peak memory (max RSS) is its own; GX import time is
excluded from the figures (it is the same ~8 s for both). The pandas path reads the same batch
query into a DataFrame and validates the column expectations of the same suite with GX's
pandas engine (the SQL expectations cannot run there, so it does strictly less work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

AS_OF = dt.datetime(2026, 6, 15, 6, 0, tzinfo=dt.UTC)

_CALLS = """
    insert into raw.calls (call_id, direction, started_at, ended_at, initiation, customer_id,
                           queue, agent_id, answered_at, disconnect_party, outcome, _load_id)
    select 'c' || i, case when i % 7 = 0 then 'outbound' else 'inbound' end,
           timestamptz '2026-06-08 00:00:00+00' + to_seconds(i // 12),
           timestamptz '2026-06-08 00:05:00+00' + to_seconds(i // 12 + i % 600),
           'inbound', 'k' || (i % 100000), 'q' || (i % 12), 'a' || (i % 300),
           case when i % 10 < 8 then timestamptz '2026-06-08 00:01:00+00' + to_seconds(i // 12) end,
           case when i % 10 < 8 then 'agent' else 'customer' end,
           case when i % 10 < 8 then 'resolved' end, 1
    from range(?) t(i)
"""


def build(path: Path, rows: int) -> None:
    """A warehouse with ``rows`` calls in load 1 and 100,000 customers."""
    from ecoute.etl.schema import create_raw_tables

    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    create_raw_tables(con)
    con.execute("insert into meta.loads (load_id, started_at, status) values (1, ?, 'running')",
                [AS_OF])  # fmt: skip
    con.execute("insert into meta.load_files (load_id, entity, path, status, rows_loaded) "
                "values (1, 'calls', 'calls.csv', 'loaded', ?)", [rows])  # fmt: skip
    con.execute(_CALLS, [rows])
    con.execute("insert into raw.customers (customer_id, _load_id) "
                "select 'k' || range, 1 from range(100000)")  # fmt: skip
    con.close()


def run_duckdb(path: Path) -> dict:
    from ecoute.core.settings import load_settings
    from ecoute.expectations import validate

    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    settings = load_settings(config=None, warehouse=path, environ={})
    import great_expectations  # noqa: F401 - import time is not what we measure

    con.begin()
    t0 = time.perf_counter()
    report = validate(con, settings, load_id=1, entities=["calls"], as_of=AS_OF)
    seconds = time.perf_counter() - t0
    con.rollback()
    statuses = {r.expectation: r.status for r in report.results}
    return {"path": "duckdb (GX SQL path)", "seconds": round(seconds, 2), "checks": len(statuses),
            "statuses": statuses}  # fmt: skip


def run_pandas(path: Path) -> dict:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from ecoute.expectations.runner import _gx_expectation
    from ecoute.expectations.suites import Raw, load_suite, render

    suite = load_suite("calls")
    base = {"rows": Raw("_load_id = 1"), "load_id": 1, "as_of": AS_OF, "entity": "calls"}
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    t0 = time.perf_counter()
    frame = con.execute(render(suite.batch, base)).df()
    read_s = time.perf_counter() - t0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("pandas")
        .add_dataframe_asset("calls")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    gx_suite = gx.ExpectationSuite("calls-pandas")
    for spec in suite.expectations:
        if not spec.is_sql:
            gx_suite.add_expectation(_gx_expectation(spec, base))
    result = batch.validate(gx_suite, result_format={"result_format": "SUMMARY"})
    seconds = time.perf_counter() - t0
    statuses = {r.expectation_config.meta["ecoute"]: ("passed" if r.success else "failed")
                for r in result.results}  # fmt: skip
    return {"path": "pandas copy (GX pandas engine)", "seconds": round(seconds, 2),
            "read_seconds": round(read_s, 2), "checks": len(statuses), "statuses": statuses}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--only", choices=["duckdb", "pandas"])
    parser.add_argument("--warehouse", type=Path)
    args = parser.parse_args()
    if args.only:  # a child process: one path, print JSON
        out = (run_duckdb if args.only == "duckdb" else run_pandas)(args.warehouse)
        out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build(path, args.rows)
        print(f"built {args.rows:,} calls in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        for only in ("duckdb", "pandas"):
            proc = subprocess.run(
                [sys.executable, "-m", "bench.expectations", "--only", only, "--warehouse", str(path)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            line = [x for x in proc.stdout.splitlines() if '{"path"' in x][-1]
            out = json.loads(line[line.index('{"path"'):])  # after GX's progress bars
            statuses = out.pop("statuses")
            print(json.dumps(out))
            failed = sorted(k for k, v in statuses.items() if v != "passed")
            print(f"  not passed: {failed or 'none'}", file=sys.stderr)


if __name__ == "__main__":
    main()
