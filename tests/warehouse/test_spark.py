"""The same models on Spark (pyspark, local mode) give DuckDB's numbers, to the last digit.

Each world is built by DuckDB as usual, its inputs exported to a lake, every SQL model run on
one shared Spark session, and every table Spark wrote compared with DuckDB's, row for row
(multiset equality). The one documented exception: interpolated percentiles, where the two
engines' formulas round differently in the last bit (docs/spark.md), compared to 1e-12.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ecoute.warehouse import lake
from ecoute.warehouse.spark import build_lake, to_spark

HERE = Path(__file__).parent


# --- transpilation (no Spark needed) -------------------------------------------------------


def test_parameters_are_inlined_and_unset_ones_are_null():
    sql = to_spark("select getvariable('a') as a, getvariable('nope') as b, getvariable('l')", {
        "a": 10, "l": ["system"]})  # fmt: skip
    assert "10 AS a" in sql and "NULL AS b" in sql and "ARRAY('system')" in sql


def test_timezone_goes_both_ways():
    sql = to_spark("select timezone('Europe/Brussels', t)::date, "
                   "timezone('Europe/Brussels', (d + 1)::timestamp) from x", {})  # fmt: skip
    assert "FROM_UTC_TIMESTAMP(t, 'Europe/Brussels')" in sql
    assert "TO_UTC_TIMESTAMP(CAST((" in sql


def test_epoch_keeps_fractions_of_a_second():
    assert "UNIX_MICROS(a) AS DOUBLE) / 1e6" in to_spark("select epoch(a) from x", {})
    assert to_spark("select epoch_us(a) from x", {}).split() == [
        "SELECT",
        "UNIX_MICROS(a)",
        "FROM",
        "x",
    ]


def test_ordered_lists_sort_by_their_keys():
    sql = to_spark("select list(i || p order by i, p), list(distinct i order by i) from x", {})
    assert "ARRAY_SORT(COLLECT_SET(i))" in sql
    assert "NAMED_STRUCT('f0', i, 'f1', p, 'f2', i || p)" in sql and "x -> x.f2" in sql


def test_struct_unnest_becomes_inline_and_tables_become_views():
    sql = to_spark("select unnest([{'m': 'a', 'n': 1}], recursive := true) from core.fct_calls", {})
    assert "INLINE(ARRAY(" in sql and "FROM core__fct_calls" in sql


def test_union_by_name_is_refused():
    with pytest.raises(ValueError, match="union by name"):
        to_spark("select 1 as a union all by name select 2 as a", {})


# --- the lake (no Spark needed) --------------------------------------------------------------


def test_export_lake_writes_monthly_partitions_that_read_back_equal(tmp_path):
    """`ecoute export lake`: core tables by month (a dimension in one piece), the Spark build's
    inputs beside them, and DuckDB reading the lake gets the warehouse's rows back."""
    from typer.testing import CliRunner

    from ecoute.cli import app
    from tests.warehouse._warehouse_fixtures import build, bxl

    con = build(tmp_path, {
        "customers": [{"customer_id": "C1", "region": "Bruxelles", "segment": "residential"}],
        "calls": [
            {"call_id": "K1", "direction": "inbound", "customer_id": "C1",
             "started_at": bxl("2026-02-27 10:00"), "ended_at": bxl("2026-02-27 10:05")},
            {"call_id": "K2", "direction": "inbound", "customer_id": "C1",
             "started_at": bxl("2026-03-02 10:00"), "ended_at": bxl("2026-03-02 10:05")},
        ],
    })  # fmt: skip
    con.close()
    out = tmp_path / "lake"
    result = CliRunner().invoke(
        app, ["--warehouse", str(tmp_path / "ecoute.duckdb"), "export", "lake", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "core.fct_calls" in result.output and "lake written to" in result.output
    months = sorted(p.name for p in (out / "core" / "fct_calls").iterdir())
    assert months == ["month=2026-02", "month=2026-03"]
    assert (out / "core" / "dim_customers" / "part-0.parquet").exists()
    assert (out / "raw" / "calls").is_dir()
    assert (out / "intermediate" / "int_calendar__working_days").is_dir()

    cmp = duckdb.connect()
    cmp.execute(f"attach '{tmp_path / 'ecoute.duckdb'}' as wh (read_only)")
    lake.attach_views(cmp, out, ("core",))
    for table in ("fct_calls", "dim_customers"):
        for a, b in ((f"core.{table}", f"wh.core.{table}"), (f"wh.core.{table}", f"core.{table}")):
            assert cmp.execute(f"select * from {a} except all select * from {b}").fetchall() == []
        assert cmp.execute(f"select count(*) from core.{table}").fetchone()[0] > 0


# --- Spark against DuckDB ------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module: 2 cores, one shuffle partition, no UI."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime: Spark runs in a JVM (make test installs one)")
    from ecoute.warehouse.spark import session

    s = session({"spark_master": "local[2]", "spark_conf": {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "2",
        "spark.driver.memory": "1g",
        # Tiny data: compiling generated code costs more than it saves (halves the build).
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.codegen.factoryMode": "NO_CODEGEN",
        # A short-lived JVM: the quick JIT tier only, warm in seconds rather than a minute.
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
    }})  # fmt: skip
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def params_of_connection(con: duckdb.DuckDBPyConnection) -> dict:
    """The parameters the DuckDB build ran with, read back from its variables."""
    names = [r[0] for r in con.execute("select name from duckdb_variables()").fetchall()]
    return {n: con.execute("select getvariable(?)", [n]).fetchone()[0] for n in names}


def spark_build(
    spark, con: duckdb.DuckDBPyConnection, lake_dir: Path, params: dict | None = None
) -> list[str]:
    """Export a DuckDB-built world's inputs to a lake and build every model on Spark."""
    for schema, table in lake.input_tables():
        if table in lake.tables_of(con, schema):
            lake.export_table(con, lake_dir, schema, table)
        else:  # a world without messages still has the (empty) intents tables
            pytest.fail(f"{schema}.{table} missing from the DuckDB build")
    return build_lake(spark, lake_dir, params or params_of_connection(con))


def differences(con: duckdb.DuckDBPyConnection, lake_dir: Path, built: list[str]) -> dict:
    """Per table Spark built: rows of one engine that the other lacks (empty = equal)."""
    path = con.execute("select path from duckdb_databases() where not internal").fetchone()[0]
    con.close()  # one process may attach a DuckDB file once
    cmp = duckdb.connect()
    cmp.execute("set TimeZone = 'UTC'")
    cmp.execute(f"attach '{path}' as wh (read_only)")
    lake.attach_views(cmp, lake_dir, ("intermediate", "core", "marts"))
    found = {}
    for name in built:
        if name.startswith("staging."):
            continue
        spark_rows = cmp.execute(f"select * from {name}").fetchall()
        duck_rows = cmp.execute(f"select * from wh.{name}").fetchall()
        cols = [d[0] for d in cmp.execute(f"select * from {name} limit 0").description]
        duck_cols = [d[0] for d in cmp.execute(f"select * from wh.{name} limit 0").description]
        assert cols == duck_cols, name
        left, right = _unmatched(spark_rows, duck_rows, cols)
        if left or right:
            found[name] = (left[:3], right[:3])
    return found


def _facts(value: object) -> object:
    """A JSON object (the journey's facts) as its fields without nulls: Spark's to_json leaves
    a null field out where DuckDB's writes it, the same facts either way."""
    if isinstance(value, str) and value.startswith("{"):
        import json

        return sorted((k, v) for k, v in json.loads(value).items() if v is not None)
    return value


def _unmatched(a: list[tuple], b: list[tuple], cols: list[str]) -> tuple[list, list]:
    """Rows of a not in b and of b not in a, percentile values compared to 1e-12."""
    pct = cols.index("value") if "value" in cols and "kind" in cols else None
    kind = cols.index("kind") if pct is not None else None

    def key(row: tuple) -> tuple:
        if pct is not None and row[kind] == "percentile" and row[pct] is not None:
            row = (*row[:pct], round(row[pct], 9), *row[pct + 1 :])
        return tuple(repr(_facts(v)) for v in row)

    rest = {}
    for row in b:
        rest.setdefault(key(row), []).append(row)
    left = []
    for row in a:
        bucket = rest.get(key(row))
        if bucket:
            other = bucket.pop()
            if pct is not None and row[kind] == "percentile" and row[pct] is not None:
                assert math.isclose(row[pct], other[pct], rel_tol=1e-12, abs_tol=0), (row, other)
        else:
            left.append(row)
    return left, [r for bucket in rest.values() for r in bucket]


def _fixtures(filename: str):
    """The metric tests' own hand-checked worlds, reused as they are."""
    spec = importlib.util.spec_from_file_location(f"_spark_{filename[:-3]}", HERE / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_calls = _fixtures("test_metrics_calls.py")
_repairs = _fixtures("test_metrics_repairs.py")
_visits = _fixtures("test_metrics_visits.py")
drops, contacts, queue_day = _calls.drops, _calls.contacts, _calls.queue_day
easter, visits = _repairs.easter, _visits.visits


@pytest.mark.spark
@pytest.mark.parametrize("world", ["queue_day", "drops", "contacts", "easter", "visits"])
def test_metric_fixtures_equal_on_spark(world, request, spark, tmp_path):
    con = request.getfixturevalue(world)
    built = spark_build(spark, con, tmp_path / "lake")
    assert "marts.rpt_metrics__weekly" in built and "core.fct_calls" in built
    assert differences(con, tmp_path / "lake", built) == {}


@pytest.mark.spark
def test_small_demo_world_equal_on_spark_and_read_the_same_way(spark, tmp_path):
    """A small demo operator (every planted effect, 2 weeks): every table Spark builds equals
    DuckDB's, and `ecoute metrics`' reader gives the same week through the lake."""
    import datetime as dt

    from ecoute.core.settings import load_settings
    from ecoute.demo import generate
    from ecoute.jobs import load as run_load
    from ecoute.reports.metrics import week_metrics
    from ecoute.warehouse.connection import connect
    from ecoute.warehouse.spark import build_with_spark

    summary = generate(tmp_path / "exports", customers=1600, weeks=2, seed=7)
    settings = load_settings(warehouse=tmp_path / "ecoute.duckdb", environ={}).with_overrides(
        etl={"progress": "never"}, engine={"lake": str(tmp_path / "lake")}
    )
    assert run_load(settings, tmp_path / "exports", summary.mapping, checks=False).status == (
        "completed"
    )
    con = connect(settings)
    monday = con.execute("select max(week_start) from marts.rpt_metrics__weekly").fetchone()[0]
    duck = week_metrics(con, monday)
    on_spark = settings.with_overrides(engine={"name": "spark"})
    built = build_with_spark(con, on_spark, spark)  # what `ecoute build` runs with spark
    assert differences(con, tmp_path / "lake", built) == {}

    lake_con = connect(on_spark, read_only=True)
    assert (
        "read_parquet"
        in lake_con.execute(
            "select sql from duckdb_views() where view_name = 'rpt_metrics__weekly'"
        ).fetchone()[0]
    )
    assert week_metrics(lake_con, monday) == duck
    lake_con.close()

    # `ecoute metrics` and the weekly report, configured as an operator would: first from the
    # file; then the file's weekly mart is emptied, so only a read of the lake can repeat them.
    from typer.testing import CliRunner

    from ecoute.cli import app
    from ecoute.reports.run import run_weekly

    y, w, _ = monday.isocalendar()
    args = ["--warehouse", str(settings.warehouse), "metrics", "--week", f"{y}-W{w:02d}",
            "--format", "json"]  # fmt: skip
    via_file = CliRunner().invoke(app, args, env={"ECOUTE__ENGINE__NAME": "duckdb"})
    run_weekly(settings, monday, tmp_path / "from-file", echo=lambda _: None)
    with duckdb.connect(str(settings.warehouse)) as file_con:
        file_con.execute("delete from marts.rpt_metrics__weekly")
    lake_env = {"ECOUTE__ENGINE__NAME": "spark", "ECOUTE__ENGINE__LAKE": str(tmp_path / "lake")}
    via_lake = CliRunner().invoke(app, args, env=lake_env)
    assert via_lake.exit_code == 0, via_lake.output
    assert via_lake.output == via_file.output
    assert CliRunner().invoke(app, args, env={"ECOUTE__ENGINE__NAME": "duckdb"}).output != (
        via_file.output
    )  # the emptied file alone no longer gives those figures

    run_weekly(on_spark, monday, tmp_path / "from-lake", echo=lambda _: None)
    pages = [sorted((tmp_path / d).glob("*.html")) for d in ("from-lake", "from-file")]
    assert [p.name for p in pages[0]] == [p.name for p in pages[1]] != []
    for lake_page, file_page in zip(*pages, strict=True):
        assert lake_page.read_text() == file_page.read_text()
    assert isinstance(monday, dt.date)
