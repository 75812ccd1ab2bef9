"""A small model runner: every ``.sql`` file under ``warehouse/models/<schema>/`` is one model.

A model file holds one SELECT. The runner materialises it as ``<schema>.<file stem>`` —
a view in ``staging`` (always current with ``raw``), a table elsewhere — in dependency order,
found by looking for other models' names in the SQL. Parameters come from the settings'
``[metrics]`` section as DuckDB variables: ``getvariable('short_abandon_s')``.
Python models (calendar, message intents, compensation, churn scores: warehouse/python/) are
``PythonStep``s with the models they read and write (warehouse/build.py lists them).

Every model declares its grain (and, where they apply, its pending rows and periods) in
``models/models.yml`` (warehouse/config.py, checked when the models are read); Python steps
declare theirs in their ``PythonStep``. The incremental build (warehouse/incremental.py) reads it
to know which rows of the model a load can change; see docs/incremental.md.

Why not dbt: one dependency less, builds in-process on the same connection (so a load and
its rebuild commit together), and the models stay plain SQL files that dbt could adopt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal, text
from ecoute.warehouse import config
from ecoute.warehouse.config import ModelConfig

MODELS_DIR = Path(__file__).with_name("models")
MACROS_DIR = Path(__file__).with_name("macros")
SCHEMAS = ("staging", "intermediate", "core", "marts")
VIEW_SCHEMAS = {"staging"}


@dataclass(frozen=True)
class Model:
    schema: str
    name: str
    sql: str
    config: ModelConfig

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def writes(self) -> tuple[str, ...]:
        return (self.qualified,)

    @property
    def grain(self) -> str:
        return self.config.grain


@dataclass(frozen=True)
class PythonStep:
    """A model computed in Python: ``run(con, params)`` writes the tables named in ``writes``.

    ``grain`` says which rows a load can change (see warehouse/incremental.py); the default,
    ``snapshot``, rebuilds the step in full after the per-customer models, which is always right.
    ``pending``: a customer-grained step's equivalent of the models' ``pending`` conditions,
    as whole queries returning ``customer_id``: the customers whose rows wait on the horizon
    (``getvariable('previous_horizon_at')`` is the previous build's). A query may read the
    unfiltered staging views, not only the previous table, because a row can be *missing* from
    it while it waits (an outage too short to owe anything yet).
    """

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], Any]
    grain: str = "snapshot"
    pending: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Checked like a model's entry in models.yml: a wrong grain fails before any build.
        if self.grain not in config.GRAINS or self.grain == config.STAGING:
            raise ValueError(f"Python model {self.name}: grain {self.grain!r} is not one of "
                             f"{[g for g in config.GRAINS if g != config.STAGING]}")  # fmt: skip
        if self.pending and self.grain not in config.KEYED:
            raise ValueError(f"Python model {self.name}: pending queries need a "
                             f"customer-grained grain {config.KEYED}")  # fmt: skip


def discover(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every model file, in schema order then by name, with its entry of ``models.yml``
    (a missing, unknown or wrong entry raises ``config.ModelConfigError``);
    templated files are rendered."""
    files = {}
    for schema in SCHEMAS:
        for path in sorted((models_dir / schema).glob("*.sql")):
            if path.stem in files:
                raise config.ModelConfigError(f"{path}: a model {path.stem} exists already")
            files[path.stem] = (schema, path)
    declared = config.load(models_dir, {name: schema for name, (schema, _) in files.items()})
    return [
        Model(schema, name, render(path.read_text(encoding="utf-8")), declared[name])
        for name, (schema, path) in files.items()
    ]


def render(text: str) -> str:
    """A model file as SQL: one that uses Jinja (the metric marts, generated from the metric
    catalogue by ``macros/metric_marts.sql.j2``) is rendered with ``catalogue`` in scope; any
    other file is returned as written. DuckDB, Spark and the incremental build all see the
    rendered SQL, so they stay one definition."""
    if "{{" not in text and "{%" not in text:
        return text
    return _jinja().from_string(text).render()


@cache
def _jinja() -> Any:
    import jinja2

    from ecoute.warehouse.catalogue import load

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MACROS_DIR)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["catalogue"] = load()
    return env


def order(models: list[Model], steps: Iterable[PythonStep] = ()) -> list[Model | PythonStep]:
    """Models and steps sorted so each comes after everything it reads (a topological sort)."""
    nodes: dict[str, Model | PythonStep] = {m.name: m for m in models}
    writers = {}
    for step in steps:
        nodes[step.name] = step
        writers.update({w.split(".")[-1]: step.name for w in step.writes})
    deps = {name: _dependencies(node, nodes, writers) for name, node in nodes.items()}
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise ValueError(f"model dependency cycle through {name}")
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.discard(name)
        done.append(name)

    for name in nodes:
        visit(name)
    return [nodes[n] for n in done]


def _dependencies(
    node: Model | PythonStep, nodes: dict[str, Model | PythonStep], writers: dict[str, str]
) -> set[str]:
    if isinstance(node, PythonStep):
        names = {r.split(".")[-1] for r in node.reads}
    else:
        names = set(re.findall(r"\b(?:stg|int|fct|dim|rpt)_\w+", node.sql))
    deps = set()
    for name in names:
        if name in writers and writers[name] != node.name:
            deps.add(writers[name])
        elif name in nodes and name != node.name and isinstance(nodes[name], Model):
            deps.add(name)
    return deps


def set_params(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Expose each parameter to SQL as ``getvariable('<name>')``, written as a literal of the
    type a bound value would have: binding a Python value makes DuckDB's client import pandas,
    a second or more per build (docs/performance.md, Session 7)."""
    for key, value in params.items():
        con.execute(f"set variable {key} = {param_literal(value)}")


def param_literal(value: Any) -> str:
    """``value`` as a SQL literal (ecoute.core.sql_literals), a float as a DOUBLE with the same
    bits (a plain ``0.5`` would be a DECIMAL, and a long one may lose its last bit)."""
    if isinstance(value, float):
        return f"{text(repr(value))}::double"
    if isinstance(value, list | tuple) and value and all(isinstance(v, float) for v in value):
        return "[" + ", ".join(param_literal(v) for v in value) + "]"
    return literal(value)


def build(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    steps: Iterable[PythonStep] = (),
    models_dir: Path = MODELS_DIR,
    only_views: bool = False,
) -> list[str]:
    """Materialise every model; returns the names built, in order."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    set_params(con, params)
    built = []
    for node in order(discover(models_dir), steps):
        if only_views and not (isinstance(node, Model) and node.schema in VIEW_SCHEMAS):
            continue
        built.append(run_node(con, node, params))
    return built


def run_node(
    con: duckdb.DuckDBPyConnection, node: Model | PythonStep, params: dict[str, Any]
) -> str:
    """Materialise one model (or run one step); returns its name as ``build`` lists it."""
    if isinstance(node, PythonStep):
        node.run(con, params)
        return node.name
    kind = "view" if node.schema in VIEW_SCHEMAS else "table"
    con.execute(f"create or replace {kind} {node.qualified} as\n{node.sql}")
    return node.qualified
