"""DuckDB against Spark on the same demo world, in one run: ``python -m bench.spark --customers N``.

Steps: generate and load the world (DuckDB, with its own build); rebuild the models on DuckDB
(timed, the baseline); export the lake; build the same models on Spark local[2] (timed, the
session's start timed apart); compare every table Spark wrote with DuckDB's. The machine is
shared, so read the Spark/DuckDB ratio, not the seconds. Writes bench/out/spark.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

OUT = Path(__file__).with_name("out")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--work", type=Path, default=OUT / "spark-world")
    args = parser.parse_args()
    print(json.dumps(run(args.customers, args.weeks, args.work), indent=2))


def run(customers: int, weeks: int, work: Path) -> dict:
    import duckdb

    from ecoute.core.db import configure
    from ecoute.core.settings import load_settings
    from ecoute.demo import generate
    from ecoute.jobs import load
    from ecoute.warehouse import lake
    from ecoute.warehouse.build import build_all, params_of
    from ecoute.warehouse.spark import build_lake, session

    if work.exists():
        shutil.rmtree(work)
    summary = generate(work / "exports", customers=customers, weeks=weeks, seed=7)
    settings = load_settings(warehouse=work / "ecoute.duckdb", environ={}).with_overrides(
        etl={"progress": "never"}
    )
    load(settings, work / "exports", summary.mapping, checks=False)
    con = duckdb.connect(str(settings.warehouse))
    configure(con, settings)
    figures: dict = {"customers": customers, "weeks": weeks,
                     "calls": con.execute("select count(*) from raw.calls").fetchone()[0]}  # fmt: skip
    t = time.perf_counter()
    build_all(con, settings)
    figures["duckdb_build_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    lake.export(con, work / "lake", ())
    figures["export_inputs_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    spark = session({"spark_conf": {"spark.ui.enabled": "false",
                                    "spark.sql.shuffle.partitions": "4"}})  # fmt: skip
    spark.sparkContext.setLogLevel("ERROR")
    figures["spark_start_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    built = build_lake(spark, work / "lake", params_of(settings))
    figures["spark_build_s"] = round(time.perf_counter() - t, 2)
    spark.stop()
    figures["spark_to_duckdb"] = round(figures["spark_build_s"] / figures["duckdb_build_s"], 1)
    con.close()
    figures["tables_differing"] = _differing(settings.warehouse, work / "lake", built)
    OUT.mkdir(exist_ok=True)
    (OUT / "spark.json").write_text(json.dumps(figures, indent=2))
    return figures


def _differing(warehouse: Path, lake_dir: Path, built: list[str]) -> list[str]:
    """Tables whose rows differ, percentile values rounded to 9 decimals (docs/spark.md)."""
    import duckdb

    from ecoute.warehouse import lake

    cmp = duckdb.connect()
    cmp.execute("set TimeZone = 'UTC'")
    cmp.execute(f"attach '{warehouse}' as wh (read_only)")
    lake.attach_views(cmp, lake_dir, ("intermediate", "core", "marts"))
    differing = []
    for name in (b for b in built if not b.startswith("staging.")):
        cols = [d[0] for d in cmp.execute(f"select * from {name} limit 0").description]
        select = ", ".join(
            "case when kind = 'percentile' then round(value, 9) else value end"
            if c == "value" and "kind" in cols else f'"{c}"'
            for c in cols
        )
        a = f"select {select} from {name}"
        b = f"select {select} from wh.{name}"
        n = cmp.execute(
            f"select (select count(*) from ({a} except all {b})) + "
            f"(select count(*) from ({b} except all {a}))"
        ).fetchone()[0]
        if n:
            differing.append(name)
    return differing


if __name__ == "__main__":
    main()
