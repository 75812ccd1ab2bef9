"""The same SQL models on Apache Spark: transpiled from the DuckDB files, run on a session.

One source of truth: ``warehouse/models/*.sql`` stay DuckDB SQL. :func:`to_spark` parses a
model with SQLGlot, rewrites the few DuckDB idioms that SQLGlot does not carry across with the
same meaning (listed in ``_REWRITES``), inlines the parameters, and prints Spark SQL.
:func:`build_lake` runs every model on a Spark session over the lake (warehouse/lake.py):
staging as temporary views, the others written back to the lake as Parquet and read again.

The build's Python steps stay on DuckDB: the working-day calendar and the message intents are
read from the lake as inputs (``ecoute export lake`` writes them); compensation and churn risk
read the DuckDB warehouse and feed no SQL model, so Spark does not build them, nor
``core.dim_customers__risk_features`` and its cut-off, which only the churn step reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from ecoute.warehouse import lake
from ecoute.warehouse.runner import MODELS_DIR, VIEW_SCHEMAS, Model, discover, order

# Models Spark does not build (see the module docstring).
SKIPPED = {"int_customers__risk_cutoff", "dim_customers__risk_features"}
# Python-step outputs Spark reads from the lake instead of computing.
LAKE_INPUTS = {t for _, t in lake.PYTHON_OUTPUTS}

# strftime → Java DateTimeFormatter pattern letters.
_STRFTIME = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}


def view_name(schema: str, table: str) -> str:
    """Spark's temporary views are not in a database: ``core.fct_calls`` → ``core__fct_calls``."""
    return f"{schema}__{table}"


def to_spark(sql: str, params: dict[str, Any]) -> str:
    """A DuckDB model's SELECT as Spark SQL, parameters inlined."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for rewrite in _REWRITES:
        tree = tree.transform(lambda node, rw=rewrite: rw(node, params))
    return tree.sql(dialect="spark", pretty=True)


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[_literal(v) for v in value])
    if value is None:
        return exp.Null()
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def _name(node: exp.Expression) -> str:
    """The lower-case function name of a call node, whatever class SQLGlot gave it."""
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else ""


def _getvariable(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``getvariable('x')`` → the parameter's value as a literal."""
    if _name(node) == "getvariable":
        key = node.expressions[0].name if isinstance(node, exp.Anonymous) else node.this.name
        return _literal(params.get(key))  # DuckDB: an unset variable is null
    return node


def _to_json(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``to_json(literal)`` folds to its JSON text; ``to_json(text)`` quotes the text (the
    parameters mart prints values as JSON; Spark's to_json only takes structs and arrays)."""
    if not isinstance(node, exp.JSONFormat) and _name(node) != "to_json":
        return node
    arg = node.this if not isinstance(node, exp.Anonymous) else node.expressions[0]
    if isinstance(arg, exp.Struct):  # a struct (the journey's facts): Spark's own to_json
        return node
    if isinstance(arg, (exp.Literal, exp.Array, exp.Boolean)):
        return exp.Literal.string(json.dumps(_python(arg), separators=(",", ":")))
    return exp.func("concat", exp.Literal.string('"'), arg, exp.Literal.string('"'))


def _python(node: exp.Expression) -> Any:
    if isinstance(node, exp.Array):
        return [_python(e) for e in node.expressions]
    if isinstance(node, exp.Boolean):
        return node.this
    if node.is_string:
        return node.name
    text = node.name
    return float(text) if "." in text or "e" in text.lower() else int(text)


def _timezone(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """DuckDB's ``timezone(zone, x)`` goes both ways: an instant → its local wall-clock time
    (``from_utc_timestamp``), a naive ``::timestamp`` → the instant it is locally
    (``to_utc_timestamp``). The Spark session runs in UTC, so results cast to the same dates."""
    if _name(node) == "timezone" and isinstance(node, exp.Anonymous):
        zone, value = node.expressions
        if isinstance(value, exp.Cast) and value.to.this in (
            exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ
        ):
            naive = exp.cast(value.this, "timestamp")
            return exp.func("to_utc_timestamp", naive, zone)
        return exp.func("from_utc_timestamp", value, zone)
    return node


def _epoch(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``epoch(instant)`` is fractional seconds in DuckDB; Spark's unix_timestamp truncates
    to whole seconds, so compute it from microseconds as DuckDB does."""
    if _name(node) == "epoch" or isinstance(node, exp.TimeToUnix):
        micros = exp.cast(exp.func("unix_micros", node.this), "double")
        return exp.Paren(this=exp.Div(this=micros, expression=exp.Literal.number("1e6")))
    if _name(node) == "epoch_us":  # whole microseconds, an integer on both engines
        return exp.func("unix_micros", node.expressions[0])
    return node


def _to_seconds(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``to_seconds(x)`` (an interval of x seconds) → ``make_dt_interval(0, 0, 0, x)``."""
    if _name(node) == "to_seconds":
        arg = node.this if not isinstance(node, exp.Anonymous) else node.expressions[0]
        zero = exp.Literal.number(0)
        return exp.func("make_dt_interval", zero, zero, zero, arg)
    if _name(node) == "to_days":
        arg = node.this if not isinstance(node, exp.Anonymous) else node.expressions[0]
        return exp.func("make_dt_interval", arg)
    return node


def _quantile(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``quantile_cont`` → Spark's exact ``percentile`` (the same linear interpolation)."""
    if isinstance(node, exp.PercentileCont) or _name(node) == "quantile_cont":
        value = node.this
        q = node.args.get("expression") or node.args.get("quantile")
        return exp.Anonymous(this="percentile", expressions=[value, q])
    return node


def _strftime(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``strftime(t, '%Y-%m-%dT%H:%M:%SZ')`` → ``date_format`` with literal text quoted."""
    if isinstance(node, exp.TimeToStr) and node.args.get("format") is not None:
        fmt = node.args["format"].name
        pattern, i = "", 0
        while i < len(fmt):
            if fmt[i : i + 2] in _STRFTIME:
                pattern += _STRFTIME[fmt[i : i + 2]]
                i += 2
            else:
                pattern += f"'{fmt[i]}'" if fmt[i].isalpha() else fmt[i]
                i += 1
        return exp.Anonymous(
            this="date_format", expressions=[node.this, exp.Literal.string(pattern)]
        )
    return node


def _list_agg(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``list(x order by k, ..)`` → the list of ``(k, .., x)`` structs sorted, then its ``x``
    (``array_sort(collect_list(x))`` when ordered by the element itself; ``distinct`` →
    ``collect_set``). Spark has no ordered aggregate; a struct sorts field by field."""
    if not isinstance(node, exp.ArrayAgg):
        return node
    inner = node.this
    order_by = inner if isinstance(inner, exp.Order) else None
    value = inner.this if order_by else inner
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        value = value.expressions[0]
    collect = "collect_set" if distinct else "collect_list"
    if order_by is None:
        return exp.func(collect, value)
    keys = [o.this for o in order_by.expressions]
    if any(o.args.get("desc") for o in order_by.expressions):
        raise ValueError("list() ordered descending: not portable")
    if [k.sql() for k in keys] == [value.sql()]:
        return exp.func("array_sort", exp.func(collect, value))
    if distinct:
        raise ValueError("list(distinct ..) ordered by another key: not portable")
    fields: list[exp.Expression] = []
    for i, key in enumerate([*keys, value]):
        fields += [exp.Literal.string(f"f{i}"), key.copy()]
    sorted_ = exp.func("array_sort", exp.func("collect_list", exp.func("named_struct", *fields)))
    call = sqlglot.parse_one(f"transform(s, x -> x.f{len(keys)})", read="spark")
    call.expressions[0].replace(sorted_) if call.expressions else call.this.replace(sorted_)
    return call


def _unnest_structs(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``unnest([{..}, {..}], recursive := true)`` (one row per struct, its fields as columns)
    → ``inline(array(named_struct(..), ..))``."""
    if isinstance(node, (exp.Unnest, exp.Explode)):
        args = node.expressions or []
        if any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) and a.this.name == "recursive"
               for a in args):  # fmt: skip
            array = node.this if isinstance(node, exp.Explode) else args[0]
            return exp.Anonymous(this="inline", expressions=[array])
    return node


def _union_by_name(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    if isinstance(node, exp.Union) and node.args.get("by_name"):
        raise ValueError("union by name is not portable: list the columns")
    return node


def _tables(node: exp.Expression, params: dict[str, Any]) -> exp.Expression:
    """``schema.table`` → the temporary view ``schema__table``."""
    if isinstance(node, exp.Table) and node.args.get("db") is not None:
        return exp.Table(
            this=exp.to_identifier(view_name(node.args["db"].name, node.name)),
            alias=node.args.get("alias"),
        )
    return node


_REWRITES: list[Callable[[exp.Expression, dict[str, Any]], exp.Expression]] = [
    _getvariable,
    _to_json,
    _timezone,
    _epoch,
    _to_seconds,
    _quantile,
    _strftime,
    _list_agg,
    _unnest_structs,
    _union_by_name,
    _tables,
]


def spark_models(models_dir: Path = MODELS_DIR) -> list[Model]:
    """The SQL models Spark builds, in dependency order."""
    return [
        m
        for m in order([m for m in discover(models_dir) if m.name not in SKIPPED])
        if isinstance(m, Model)
    ]


def session(settings_engine: dict[str, Any] | None = None, app: str = "ecoute"):
    """A Spark session in UTC: ``spark_remote`` (Spark Connect, e.g. ``sc://host:15002``) when
    set, else ``spark_master`` (``local[2]`` by default, ``yarn``, ``spark://host:7077``)."""
    import warnings

    # Écoute hands Spark no pandas objects; pyspark's pandas-3 warning is noise here.
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    from pyspark.sql import SparkSession

    conf = dict(settings_engine or {})
    builder = SparkSession.builder.appName(app)
    if conf.get("spark_remote"):
        builder = builder.remote(conf["spark_remote"])
    else:
        builder = builder.master(conf.get("spark_master") or "local[2]")
    base = {
        "spark.sql.session.timeZone": "UTC",
        # Parquet instants as int64 microseconds, which DuckDB and Trino read as timestamps.
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.sources.partitionOverwriteMode": "static",
        "spark.ui.showConsoleProgress": "false",
    }
    for key, value in {**base, **conf.get("spark_conf", {})}.items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


def register_inputs(spark, lake_dir: Path) -> None:
    """Temporary views over the lake's raw tables and Python-step outputs."""
    for schema, table in lake.input_tables():
        path = lake.table_dir(lake_dir, schema, table)
        if not path.exists():
            raise FileNotFoundError(
                f"{schema}.{table} is not in the lake {lake_dir}: run `ecoute export lake` first"
            )
        _register(spark, path, view_name(schema, table))


def _register(spark, path: Path, view: str) -> None:
    df = spark.read.parquet(str(path))
    if lake.PARTITION in df.columns:
        df = df.drop(lake.PARTITION)
    df.createOrReplaceTempView(view)


def write(df, path: Path) -> None:
    """One model's result to the lake, partitioned by month like ``ecoute export lake``."""
    from pyspark.sql import functions as F

    kinds = [(f.name, _duck_kind(f.dataType)) for f in df.schema.fields]
    month = lake.month_column(path.name, kinds)
    if month is None:
        df.coalesce(1).write.mode("overwrite").parquet(str(path))
        return
    part = F.coalesce(F.date_format(F.col(month), "yyyy-MM"), F.lit(lake.NO_MONTH))
    df.withColumn(lake.PARTITION, part).write.mode("overwrite").partitionBy(
        lake.PARTITION
    ).parquet(str(path))
    if not any(Path(path).rglob("*.parquet")):  # no rows, no partition: keep the schema
        df.coalesce(1).write.mode("overwrite").parquet(str(path))


def _duck_kind(spark_type) -> str:
    """Enough of a Spark type's DuckDB name for lake.month_column."""
    name = spark_type.typeName()
    return {"date": "DATE", "timestamp": "TIMESTAMP WITH TIME ZONE"}.get(name, name.upper())


def build_lake(spark, lake_dir: Path, params: dict[str, Any]) -> list[str]:
    """Every SQL model on Spark over the lake; non-staging results written back to it."""
    register_inputs(spark, lake_dir)
    built = []
    for model in spark_models():
        if model.name in LAKE_INPUTS:
            continue
        df = spark.sql(to_spark(model.sql, params))
        view = view_name(model.schema, model.name)
        if model.schema in VIEW_SCHEMAS:
            df.createOrReplaceTempView(view)
        else:
            path = lake.table_dir(lake_dir, model.schema, model.name)
            write(df, path)
            _register(spark, path, view)
        built.append(model.qualified)
    return built


def lake_of(settings) -> Path:
    """The lake folder: ``[engine] lake``, else ``<warehouse>.lake`` beside the file."""
    configured = settings.section("engine").get("lake")
    return Path(configured) if configured else Path(f"{settings.warehouse}.lake")


def build_with_spark(con, settings, spark=None) -> list[str]:
    """``ecoute build`` with ``[engine] name = "spark"``: the Spark build's inputs from the
    warehouse to the lake (raw rows, and the Python steps' outputs of the last DuckDB build),
    then every SQL model on Spark over the lake."""
    from ecoute.warehouse.params import params_of

    lake_dir = lake_of(settings)
    for schema, table in lake.input_tables():
        if table in lake.tables_of(con, schema):
            lake.export_table(con, lake_dir, schema, table)
    own = spark is None
    spark = spark or session(settings.section("engine"))
    try:
        return build_lake(spark, lake_dir, params_of(settings))
    finally:
        if own:
            spark.stop()
