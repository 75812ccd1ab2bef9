"""Write a dbt-duckdb project that builds the same warehouse as ``ecoute build``, for benchmarks.

    python -m bench.dbt_project OUT --warehouse W.duckdb [--threads 1] [--steps python|sources]
    dbt run --project-dir OUT --profiles-dir OUT

Every ``warehouse/models/<schema>/<name>.sql`` becomes ``OUT/models/<schema>/<name>.sql`` with its
``schema.table`` references rewritten: ``raw.x`` → ``{{ source('raw', 'x') }}``, a model or a
Python step's table → ``{{ ref('x') }}``. The SQL is otherwise unchanged, so dbt builds what our
runner builds (staging as views, the rest as tables, in the same schemas). The parameters stay
``getvariable('…')``: a pre-hook sets them on the model's connection as our runner does
(``warehouse/runner.set_params``: literals of the types a bound value would have), so no
parameter changes a type.

The Python steps (working-day calendar, message intents, compensation, churn scores) become dbt
Python models that call our step on dbt's connection (``--steps python``, the default: the
``ecoute`` package must be importable where dbt runs), or sources read from the tables a previous
``ecoute build`` left (``--steps sources``: the SQL models only).

This is a benchmark harness (docs/incremental-tools.md), not a second way to build: dbt is no
dependency of the product, it opens its own connection and commits model by model, so it cannot
run inside a load's transaction.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path
from typing import Any

RAW_TABLES = (
    "customers",
    "calls",
    "tickets",
    "appointments",
    "messages",
    "outages",
    "notifications",
)
_REF = re.compile(r"\b(raw|staging|intermediate|core|marts)\.(\w+)\b")
_JINJA = re.compile(r"\{[{%#]")


def literal(value: Any) -> str:
    """A DuckDB literal of the type ``set variable x = ?`` binds for this Python value."""
    if value is None:
        return "null::integer"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}::{'integer' if -(2**31) <= value < 2**31 else 'bigint'}"
    if isinstance(value, float):
        return f"{value!r}::double"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(literal(v) for v in value) + "]::varchar[]"
    raise TypeError(f"no SQL literal for parameter value {value!r}")


def rewrite(sql: str, own: str, refs: set[str]) -> str:
    """The model's SQL with ``schema.table`` references as dbt ``source()``/``ref()`` calls."""
    if _JINJA.search(sql):
        raise ValueError(f"{own}: the SQL contains a Jinja delimiter; dbt would misread it")

    def sub(match: re.Match[str]) -> str:
        schema, name = match.groups()
        if schema == "raw" and name in RAW_TABLES:
            return f"{{{{ source('raw', '{name}') }}}}"
        if name in refs and name != own:
            return f"{{{{ ref('{name}') }}}}"
        return match.group(0)

    return _REF.sub(sub, sql)


def _step_model(step_name: str, table: str, reads: list[str], writes: list[str]) -> str:
    """A dbt Python model for one table a step writes. The model of its first table runs the
    step and copies every table the step wrote to ``_dbt_steps``; each model hands dbt its copy.
    The step writes its tables itself, and dbt renames its result onto a table it believes absent
    or present as it was when the run began: a table the step creates is dropped again."""
    deps = "\n".join(f"    dbt.ref({r!r})" for r in reads)
    stash = f"_dbt_steps.{table.split('.')[1]}"
    run = (
        (
            "    from ecoute.core.settings import load_settings\n"
            "    from ecoute.warehouse.build import params_of, python_steps\n"
            "    from ecoute.warehouse.runner import set_params\n\n"
            "    settings = load_settings(environ={})\n"
            "    params = params_of(settings)\n"
            "    set_params(session, params)\n"
            f"    writes = {writes!r}\n"
            "    exists = \"select count(*) from duckdb_tables() where schema_name || '.' || table_name = ?\"\n"
            "    existed = {w: session.execute(exists, [w]).fetchone()[0] > 0 for w in writes}\n"
            f"    step = next(s for s in python_steps(settings) if s.name == {step_name!r})\n"
            "    step.run(session, params)\n"
            "    session.execute('create schema if not exists _dbt_steps')\n"
            "    for w in writes:\n"
            "        copy = '_dbt_steps.' + w.split('.')[1]\n"
            "        session.execute(f'create or replace table {copy} as select * from {w}')\n"
            "        if not existed[w]:\n"
            "            session.execute(f'drop table {w}')\n"
        )
        if writes
        else ""
    )
    return (
        f'"""Python step {step_name} (warehouse/build.py), run on dbt\'s connection."""\n\n\n'
        "def model(dbt, session):\n"
        '    dbt.config(materialized="table")\n'
        f"{deps}\n{run}"
        f"    return session.sql({f'select * from {stash}'!r})\n"
    )


def generate(out: Path, warehouse: Path, *, threads: int = 1, steps: str = "python") -> Path:
    """Write the project to ``out`` (replaced); returns it."""
    from ecoute.core.settings import load_settings
    from ecoute.warehouse.build import params_of, python_steps
    from ecoute.warehouse.runner import discover

    settings = load_settings(environ={})
    models, step_list = discover(), python_steps(settings)
    if out.exists():
        shutil.rmtree(out)
    step_tables = {w.split(".")[1]: (s, w) for s in step_list for w in s.writes}
    refs = {m.name for m in models} | set(step_tables)
    for m in models:
        path = out / "models" / m.schema / f"{m.name}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rewrite(m.sql, m.name, refs), encoding="utf-8")
    sources = [{"name": "raw", "schema": "raw", "tables": [{"name": t} for t in RAW_TABLES]}]
    if steps == "python":
        for name, (step, table) in step_tables.items():
            first = step.writes[0] == table
            reads = (
                [r.split(".")[-1] for r in step.reads] if first else [step.writes[0].split(".")[1]]
            )
            schema = table.split(".")[0]
            path = out / "models" / schema / f"{name}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            writes = list(step.writes) if first else []
            path.write_text(_step_model(step.name, table, reads, writes), encoding="utf-8")
    elif steps == "sources":
        by_schema: dict[str, list[str]] = {}
        for name, (_, table) in step_tables.items():
            by_schema.setdefault(table.split(".")[0], []).append(name)
        for schema, names in sorted(by_schema.items()):
            tables = [{"name": n} for n in names]
            sources.append({"name": f"steps_{schema}", "schema": schema, "tables": tables})
        for m in models:  # a step's table is a source here, not a model
            path = out / "models" / m.schema / f"{m.name}.sql"
            text = path.read_text(encoding="utf-8")
            for name, (_, table) in step_tables.items():
                src = f"{{{{ source('steps_{table.split('.')[0]}', '{name}') }}}}"
                text = text.replace(f"{{{{ ref('{name}') }}}}", src)
            path.write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"steps must be 'python' or 'sources', not {steps!r}")
    hooks = [f"set variable {k} = {literal(v)}" for k, v in params_of(settings).items()]
    _write_yaml(out / "models" / "sources.yml", {"version": 2, "sources": sources})
    layers = {
        schema: {"+schema": schema, "+materialized": "view" if schema == "staging" else "table"}
        for schema in ("staging", "intermediate", "core", "marts")
    }
    project = {
        "name": "ecoute_bench",
        "version": "1.0",
        "config-version": 2,
        "profile": "ecoute_bench",
        "model-paths": ["models"],
        "macro-paths": ["macros"],
        "models": {"ecoute_bench": {"+pre-hook": hooks, **layers}},
    }
    _write_yaml(out / "dbt_project.yml", project)
    # As `ecoute build`: insertion order is not kept while building (warehouse/build.py).
    output = {"type": "duckdb", "path": str(warehouse), "schema": "main", "threads": threads,
              "settings": {"preserve_insertion_order": False}}  # fmt: skip
    _write_yaml(out / "profiles.yml", {"ecoute_bench": {"target": "bench",
                                                        "outputs": {"bench": output}}})  # fmt: skip
    macro = out / "macros" / "generate_schema_name.sql"
    macro.parent.mkdir(parents=True, exist_ok=True)
    # Our schemas are the layers: a model's schema is its folder's name, not target_folder.
    macro.write_text(
        "{% macro generate_schema_name(custom_schema_name, node) -%}\n"
        "{{ custom_schema_name or target.schema }}\n{%- endmacro %}\n",
        encoding="utf-8",
    )
    return out


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    """JSON is YAML: no YAML writer needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", choices=("python", "sources"), default="python")
    args = parser.parse_args(argv)
    out = generate(args.out, args.warehouse.resolve(), threads=args.threads, steps=args.steps)
    print(f"dbt project → {out}: dbt run --project-dir {out} --profiles-dir {out}")


if __name__ == "__main__":
    main()
