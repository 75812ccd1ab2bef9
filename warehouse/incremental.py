"""The incremental build: after a load, rebuild only the rows the load can have changed.

Almost every derived row is a function of ONE customer's rows (plus the data's horizon and the
parameters). Each model says which in its ``grain`` (models/models.yml, read by
warehouse/config.py; Python steps: ``PythonStep.grain``):

- ``customer_id`` / ``call_id`` / ``ticket_id`` / ``message_id``: rows that belong to one customer
  (a call, ticket or message belongs to its customer; an unidentified call to itself). These are
  rebuilt for the *scope* only and merged into the previous table.
- ``global``: a few rows over all data (the horizon, the working-day calendar, the parameters):
  rebuilt in full, first, over the unfiltered staging views.
- ``period`` and ``snapshot``: per day/week over all customers (metric marts), or as of the horizon
  for every customer: rebuilt last, from the merged tables (no model says ``snapshot`` now; a
  Python step that states no grain is one); a period mart only over the days and weeks whose fact
  rows changed (warehouse/periods.py).
- ``customer_id_at_cutoff``: one customer's rows as of the build's churn-risk cut-off (a ``global``
  model, ``CUTOFF``): customer-grained while the cut-off is the previous build's, else rebuilt in
  full, last. A table may keep rows of older cut-offs (the scores' history): merging replaces the
  scope's rows of the current cut-off only.

The scope is every customer with a row (new version or replaced one) loaded since the last build,
the owners of tickets those rows point to and the customers whose calls or visits point to tickets
loaded since; and, when the horizon moved, every customer with a row that waits on the horizon
(each model's ``pending`` conditions say which rows: a drop whose callback window has not ended,
an answered call whose FCR window is open, …).

Phases: (A) staging views and ``global`` models in full; (B) staging replaced by views over the
scope's rows, each customer-grained model built over them (its previous table parked aside) and
then merged back: the scope's rows deleted from the previous table, the new ones inserted;
(C) staging restored, ``snapshot`` models rebuilt in full, ``period`` marts over their affected
periods. A first build, changed
parameters or model files, a load that touched outages, a horizon that moved back, a calendar that
changed years, or a scope larger than ``[warehouse] incremental_max_share`` of customers → a full
build. docs/incremental.md explains it for readers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal, text
from ecoute.warehouse import periods
from ecoute.warehouse.config import AT_CUTOFF, CONFIG_FILE, FIRST, KEYED, LAST
from ecoute.warehouse.runner import (
    MODELS_DIR,
    SCHEMAS,
    Model,
    PythonStep,
    discover,
    order,
    run_node,
    set_params,
)

_LOG = logging.getLogger("ecoute.warehouse.build")

Node = Model | PythonStep
LEXICONS = Path(__file__).resolve().parents[1] / "ecoute" / "intents" / "lexicons"
# The one cut-off the AT_CUTOFF models share (one row, as_of_date), and how their tables name it.
CUTOFF = "intermediate.int_customers__risk_cutoff"
CUTOFF_COLUMNS = ("as_of_date", "as_of")
WORK = "_incr"  # prefix of one incremental build's temp tables (temp: never committed)

_SCOPE = f"customer_id in (select customer_id from {WORK}_scope)"
# Which raw entity owns each key, and how its rows find their customer.
_OWNED = {
    "customer_id": f"select customer_id from {WORK}_scope",
    # An unidentified call belongs to no customer: it is in scope when it was loaded since.
    "call_id": f"select call_id from raw.calls where customer_id in (select customer_id from "
    f"{WORK}_scope) or (customer_id is null and _load_id > {{last}})",
    # A ticket belongs to its customer; a ticket id no ticket row carries, to the visits that point
    # to it (int_tickets__visited has a row for it), now or before this load.
    "ticket_id": "select ticket_id from (select ticket_id from raw.tickets where {scope} "
    "union select ticket_id from raw.appointments where {scope} "
    "union select ticket_id from raw.appointments__history where _replaced_by > {last} "
    "and {scope}) where ticket_id is not null and ticket_id not in "
    "(select ticket_id from raw.tickets where not {scope})",
    # A message's rows are a function of that message's row alone (its intents): the messages
    # loaded since, in their new version and the one it replaced, whoever they belong to.
    "message_id": "select message_id from raw.messages where _load_id > {last} "
    "union select message_id from raw.messages__history where _replaced_by > {last}",
}
# What a message-grained step reads of the messages: only those of its scope.
_MESSAGES = ("stg_messages", f"message_id in (select message_id from {WORK}_owned_message_id)")
_OWNER = {  # key → SQL mapping a relation `k` of keys to customers
    "customer_id": "select customer_id from k",
    "call_id": "select c.customer_id from raw.calls c join k using (call_id)",
    "ticket_id": "select t.customer_id from raw.tickets t join k using (ticket_id)",
    "message_id": "select m.customer_id from raw.messages m join k using (message_id)",
}
# The scope's rows of each staging view: its own rows, plus the rows of other customers that its
# rows read (a ticket its calls or visits point to; calls and visits pointing to its tickets).
# Rows of other customers are read, never kept: merging keeps the scope's own rows only.
_STAGING_SCOPE = {
    "stg_customers": _SCOPE,
    "stg_messages": _SCOPE,
    "stg_notifications": _SCOPE,
    "stg_tickets": f"{_SCOPE} or ticket_id in (select ticket_id from raw.calls where {_SCOPE} "
    f"union select ticket_id from raw.appointments where {_SCOPE})",
    "stg_calls": f"call_id in (select call_id from {WORK}_owned_call_id) "
    f"or ticket_id in (select ticket_id from {WORK}_owned_ticket_id)",
    "stg_appointments": f"{_SCOPE} or ticket_id in (select ticket_id from {WORK}_owned_ticket_id)",
}
_ENTITIES = ("customers", "calls", "tickets", "appointments", "messages", "notifications")


@dataclass
class Outcome:
    """What one build did: ``full`` or ``incremental``, why, and how many customers it rebuilt."""

    kind: str
    reason: str = ""
    scope: int | None = None
    built: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per model, step and merge
    periods: dict[str, int | None] = field(default_factory=dict)  # per period mart; None: all


class _Full(Exception):
    """The load cannot be applied incrementally; the message says why."""


def fingerprint(params: dict[str, Any], steps: Iterable[PythonStep], models_dir: Path) -> str:
    """A hash of what the derived tables were computed with: parameters, model SQL and what
    the models declare, steps, the built-in intent lexicons."""
    text = json.dumps(params, sort_keys=True, default=str)
    text += "".join(f"{m.qualified}\n{m.sql}" for m in discover(models_dir))
    text += (models_dir / CONFIG_FILE).read_text(encoding="utf-8")
    text += ",".join(f"{s.name}:{s.grain}" for s in steps)
    # Message intents are rebuilt per message: a changed lexicon must reclassify them all.
    text += "".join(p.read_text(encoding="utf-8") for p in sorted(LEXICONS.glob("*.yaml")))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_builds_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.builds (build_id bigint, built_at timestamptz, "
        "kind varchar, reason varchar, through_load_id bigint, fingerprint varchar, "
        "scope_customers bigint, seconds double, step_seconds json)"
    )
    # Warehouses built before per-model seconds were recorded.
    con.execute("alter table meta.builds add column if not exists step_seconds json")


def record(con: duckdb.DuckDBPyConnection, outcome: Outcome, fp: str, started: float) -> None:
    """One row of meta.builds: the next incremental build starts after ``through_load_id``."""
    ensure_builds_table(con)
    kind, reason, fp_, scope, seconds, steps = (
        literal(v) for v in (outcome.kind, outcome.reason, fp, outcome.scope,
                             round(time.time() - started, 3), json.dumps(outcome.seconds))
    )  # fmt: skip
    con.execute(
        f"insert into meta.builds select coalesce(max(build_id), 0) + 1, now(), {kind}, "
        f"{reason}, (select coalesce(max(load_id), 0) from meta.loads), {fp_}, {scope}, "
        f"{seconds}, {steps} from meta.builds"
    )


def last_build(con: duckdb.DuckDBPyConnection) -> str:
    """The last build in words: ``incremental (12 customers)`` or ``full (first build)``."""
    row = con.execute(
        "select kind, reason, scope_customers from meta.builds order by build_id desc limit 1"
    ).fetchone()
    if row is None:
        return ""
    kind, reason, scope = row
    return f"{kind} ({scope:,} customers)" if kind == "incremental" else f"{kind} ({reason})"


def build_full(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    steps: Iterable[PythonStep],
    reason: str,
    models_dir: Path = MODELS_DIR,
) -> Outcome:
    """Every model in dependency order, timed."""
    outcome = Outcome("full", reason)
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    set_params(con, params)
    run = _runner(con, params, outcome)
    for node in order(discover(models_dir), steps):
        run(node)
    return outcome


def build_incremental(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    steps: Iterable[PythonStep],
    fp: str,
    max_share: float,
    models_dir: Path = MODELS_DIR,
    *,
    atomic: bool = True,
) -> Outcome:
    """Rebuild what the loads since the last build changed, or everything when that is unsafe.

    ``atomic``: the caller holds one transaction around it all. Otherwise the narrowed part
    (phases A and B) still runs in a transaction of its own, committed before the models rebuilt
    in full, which then commit one by one (``ecoute build --no-atomic`` on a large history)."""
    steps = list(steps)
    nodes = order(discover(models_dir), steps)
    grains = {_name(n): n.grain for n in nodes}
    declared = dict(grains)
    try:
        last = _previous(con, fp)
    except _Full as why:
        return build_full(con, params, steps, str(why), models_dir)
    outcome = Outcome("incremental")
    run = _runner(con, params, outcome)
    set_params(con, params)
    if not atomic:
        con.begin()
    first = [n for n in nodes if grains[_name(n)] in ("staging", FIRST)]
    rest = [n for n in nodes if grains[_name(n)] not in ("staging", FIRST)]
    before, cutoff = (_horizon(con), _calendar(con)), _cutoff(con)
    for node in first:
        run(node)
    try:
        _check_globals(before, (_horizon(con), _calendar(con)))
        _check_outages(con, last)
        _set_previous_horizon(con, before[0])
        outcome.scope = _scope(con, last, nodes, moved=before[0] != _horizon(con))
        _check_share(con, outcome.scope, max_share)
        outcome.reason = _cutoff_grains(grains, cutoff, _cutoff(con))
    except _Full as why:
        _drop_work(con)
        outcome.kind, outcome.reason, outcome.scope = "full", str(why), None
        if not atomic:
            con.commit()
        for node in rest:
            run(node)
        return outcome
    keyed = [n for n in rest if grains[_name(n)] in KEYED]
    _check_order(keyed, rest, grains)
    staging = [n for n in first if isinstance(n, Model) and n.name in _STAGING_SCOPE]
    marts = [n for n in rest if isinstance(n, Model) and grains[_name(n)] == "period"]
    _scoped(con, run, staging, keyed, declared, outcome, periods.watched(marts))
    if not atomic:
        con.commit()
    # Period marts: only the days and weeks the changed rows reach (warehouse/periods.py).
    by_period = periods.Marts(con, before[0][0], marts, atomic)
    for node in rest:
        if node in marts:
            by_period.build(node, run, outcome)
        elif grains[_name(node)] in LAST:
            run(node)
    _drop_work(con)
    return outcome


def _runner(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], outcome: Outcome
) -> Callable[[Node], None]:
    def run(node: Node) -> None:
        t0 = time.perf_counter()
        name = run_node(con, node, params)
        outcome.built.append(name)
        outcome.seconds[name] = round(time.perf_counter() - t0, 3)
        # Long builds say where they are (`ecoute build` prints these as progress).
        _LOG.info("built %s in %.1f s", name, outcome.seconds[name])

    return run


def _name(node: Node) -> str:
    return node.qualified if isinstance(node, Model) else node.name


def _previous(con: duckdb.DuckDBPyConnection, fp: str) -> int:
    """The load the last build went through, if it was built with the same fingerprint."""
    ensure_builds_table(con)
    row = con.execute(
        "select through_load_id, fingerprint from meta.builds order by build_id desc limit 1"
    ).fetchone()
    if row is None:
        raise _Full("first build")
    if row[1] != fp:
        raise _Full("parameters or model files changed since the last build")
    return int(row[0])


def _horizon(con: duckdb.DuckDBPyConnection) -> tuple[Any, Any]:
    return con.execute(
        "select horizon_at, contacts_horizon_at from intermediate.int_data__horizon"
    ).fetchone()


def _calendar(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    return con.execute(
        "select min(calendar_date), max(calendar_date), count(*), sum(is_working_day::int) "
        "from intermediate.int_calendar__working_days"
    ).fetchone()


def _cutoff(con: duckdb.DuckDBPyConnection) -> Any:
    """The build's churn-risk cut-off, None before there is one."""
    schema, name = CUTOFF.split(".")
    if not _exists(con, schema, name):
        return None
    row = con.execute(f"select as_of_date from {CUTOFF}").fetchone()
    return row[0] if row else None


def _cutoff_grains(grains: dict[str, str], before: Any, after: Any) -> str:
    """Point the AT_CUTOFF models at their phase: customer-grained while the cut-off is the
    previous build's, else rebuilt in full with the snapshots. Returns the reason, if moved."""
    same = before is not None and before == after
    gated = [name for name, grain in grains.items() if grain == AT_CUTOFF]
    for name in gated:
        grains[name] = "customer_id" if same else "snapshot"
    return "" if same or not gated else f"churn-risk cut-off {before} → {after}: rebuilt in full"


def _check_globals(before: tuple[Any, Any], after: tuple[Any, Any]) -> None:
    (old_h, old_cal), (new_h, new_cal) = before, after
    if old_cal != new_cal:
        raise _Full("the working-day calendar changed")
    for old, new in zip(old_h, new_h, strict=True):
        # A correction that moves the horizon back re-opens windows of any customer.
        if old is not None and (new is None or new < old):
            raise _Full("the data's horizon moved back")


def _check_outages(con: duckdb.DuckDBPyConnection, last: int) -> None:
    changed = con.execute(
        f"select exists (select 1 from raw.outages where _load_id > {last}) "
        f"or exists (select 1 from raw.outages__history where _replaced_by > {last})"
    ).fetchone()[0]
    if changed:
        raise _Full("outages changed (they concern many customers)")


def _check_share(con: duckdb.DuckDBPyConnection, scope: int, max_share: float) -> None:
    total = con.execute(
        "select greatest((select count(*) from raw.customers), "
        "(select count(*) from core.dim_customers))"
    ).fetchone()[0]
    if scope > max_share * max(total, 1):
        raise _Full(f"{scope:,} of {total:,} customers changed: a full build is faster")


def _scope(con: duckdb.DuckDBPyConnection, last: int, nodes: list[Node], moved: bool) -> int:
    """Fill ``_build.scope`` (customer ids) and the ``owned_<key>`` tables; returns its size."""
    _drop_work(con)
    parts = []
    for entity in _ENTITIES:
        parts.append(f"select customer_id from raw.{entity} where _load_id > {last}")
        parts.append(f"select customer_id from raw.{entity}__history where _replaced_by > {last}")
    # Tickets the loaded calls and visits point to (before and after): their owners.
    refs = " union ".join(
        f"select ticket_id from raw.{e} where _load_id > {last} union "
        f"select ticket_id from raw.{e}__history where _replaced_by > {last}"
        for e in ("calls", "appointments")
    )
    parts.append(f"select customer_id from raw.tickets where ticket_id in ({refs})")
    # Calls and visits pointing to loaded tickets (a ticket's category, its existence).
    loaded = (
        f"select ticket_id from raw.tickets where _load_id > {last} union "
        f"select ticket_id from raw.tickets__history where _replaced_by > {last}"
    )
    for e in ("calls", "appointments"):
        parts.append(f"select customer_id from raw.{e} where ticket_id in ({loaded})")
    if moved:
        parts += _pending(nodes) + _step_pending(con, nodes)
    union = "\nunion\n".join(parts)
    con.execute(
        f"create temp table {WORK}_scope as select distinct customer_id from ({union}) "
        "where customer_id is not null"
    )
    for key, sql in _OWNED.items():
        sql = sql.format(last=last, scope=_SCOPE)
        con.execute(f"create temp table {WORK}_owned_{key} as {sql}")
    return con.execute(f"select count(*) from {WORK}_scope").fetchone()[0]


def _pending(nodes: list[Node]) -> list[str]:
    """Customers with a row whose flag waited on the horizon and that the new horizon decides
    (the models' ``pending`` conditions, ANDed), read from the previous build's tables against
    the horizon just rebuilt."""
    parts = []
    for node in nodes:
        if isinstance(node, Model) and node.config.pending:
            where = " and ".join(f"({p})" for p in node.config.pending)
            keys = f"select {node.grain} from {node.qualified} where {where}"
            parts.append(f"select customer_id from (with k as ({keys}) {_OWNER[node.grain]})")
    return parts


def _set_previous_horizon(con: duckdb.DuckDBPyConnection, horizon: tuple[Any, Any]) -> None:
    """The previous build's horizons, for the Python steps' pending queries to compare with."""
    # Literals, not bound values (which make DuckDB's client import pandas).
    con.execute(f"set variable previous_horizon_at = {literal(horizon[0])}::timestamptz")
    con.execute(f"set variable previous_contacts_horizon_at = {literal(horizon[1])}::timestamptz")


def _step_pending(con: duckdb.DuckDBPyConnection, nodes: list[Node]) -> list[str]:
    """Customers whose rows of a customer-grained Python step wait on the horizon
    (``PythonStep.pending``). A query over an optional staging table (``stg_payments``) that is
    absent is skipped: absent means no rows, and naming it would fail the build."""
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'staging'"
    ).fetchall()}  # fmt: skip
    return [
        f"select customer_id from ({sql})"
        for node in nodes
        if isinstance(node, PythonStep)
        for sql in node.pending
        if set(re.findall(r"staging\.(\w+)", sql)) <= present
    ]


def _check_order(keyed: list[Node], rest: list[Node], grains: dict[str, str]) -> None:
    """A customer-grained model may read staging, global and customer-grained models only."""
    later = {w.split(".")[-1] for n in rest if grains[_name(n)] in LAST for w in n.writes}
    for node in keyed:
        reads = node.reads if isinstance(node, PythonStep) else re.findall(r"\w+", node.sql)
        bad = later & {r.split(".")[-1] for r in reads}
        if bad:
            raise ValueError(f"{_name(node)} is customer-grained but reads {sorted(bad)}")


def _scoped(
    con: duckdb.DuckDBPyConnection,
    run: Callable[[Node], None],
    staging: list[Model],
    keyed: list[Node],
    grains: dict[str, str],
    outcome: Outcome,
    watched: dict[str, str] | None = None,
) -> None:
    """Phase B: each customer-grained model over the scope's rows, merged into its table
    (the rows that changed kept aside for the period marts that read it: ``watched``)."""
    for model in staging:
        con.execute(
            f"create temp table {WORK}_{model.name} as select * from {model.qualified} "
            f"where {_STAGING_SCOPE[model.name]}"
        )
        con.execute(
            f"create or replace view {model.qualified} as select * from {WORK}_{model.name}"
        )
    parked: list[tuple[str, str]] = []
    for node in keyed:
        # A failure leaves the narrowed views and parked tables to the caller's rollback.
        for table in node.writes:
            _park(con, table)
        if grains[_name(node)] == "message_id":
            _by_message(con, run, node, {m.name: m for m in staging}[_MESSAGES[0]])
            continue
        parked += [(table, grains[_name(node)]) for table in node.writes]
        run(node)
    for model in staging:
        con.execute(f"create or replace view {model.qualified} as\n{model.sql}")
    for table, grain in parked:
        t0 = time.perf_counter()
        if grain == AT_CUTOFF:
            _merge(con, table, "customer_id", at=_cutoff_column(con, table))
        else:
            if watched and table in watched:
                owned = f"{WORK}_owned_{grain}"
                periods.keep_changes(con, table, _prev(table), grain, owned, watched[table])
            _merge(con, table, grain)
        outcome.seconds[f"merge {table}"] = round(time.perf_counter() - t0, 3)


def _by_message(
    con: duckdb.DuckDBPyConnection, run: Callable[[Node], None], node: Node, messages: Model
) -> None:
    """A message-grained step over the messages loaded since the last build only (not every
    message of the scope's customers), merged at once: the customer-grained models after it
    read all of their customers' messages from the whole table."""
    view = messages.qualified
    con.execute(f"create or replace view {view} as select * from (\n{messages.sql}\n) "
                f"where {_MESSAGES[1]}")  # fmt: skip
    run(node)
    con.execute(f"create or replace view {view} as select * from {WORK}_{messages.name}")
    for table in node.writes:
        _merge(con, table, "message_id")


def _prev(table: str) -> str:
    schema, name = table.split(".")
    return f"{schema}._prev_{name}"


def parked(table: str) -> str:
    """Where ``table``'s previous rows wait while a customer-grained step rebuilds the scope's
    rows (a step may have to prune them: warehouse/build.py's compensation)."""
    return _prev(table)


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return _exists(con, schema, name)


def _park(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Move the previous full table aside; the model then writes the scope's rows under its name."""
    schema, name = table.split(".")
    if not _exists(con, schema, name):
        raise RuntimeError(f"{table} is missing: run a full build (`ecoute build`)")
    con.execute(f"drop table if exists {_prev(table)}")
    con.execute(f"alter table {table} rename to _prev_{name}")


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    sql = (
        f"select count(*) from duckdb_tables() where schema_name = {text(schema)} "
        f"and table_name = {text(name)} and database_name = current_database()"
    )
    return con.execute(sql).fetchone()[0] > 0


def _cutoff_column(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The column of the parked previous table that holds each row's cut-off."""
    schema, name = table.split(".")
    sql = (
        f"select column_name from duckdb_columns() where schema_name = {text(schema)} "
        f"and table_name = {text('_prev_' + name)} and database_name = current_database()"
    )
    columns = {r[0] for r in con.execute(sql).fetchall()}
    found = [c for c in CUTOFF_COLUMNS if c in columns]
    if not found:
        raise ValueError(f"{table} is {AT_CUTOFF} but has none of the columns {CUTOFF_COLUMNS}")
    return found[0]


def _merge(con: duckdb.DuckDBPyConnection, table: str, key: str, at: str | None = None) -> None:
    """The previous table, less the scope's rows, plus the scope's rows just built. ``at``: the
    table's cut-off column; only the scope's rows of the build's cut-off are replaced, those of
    older cut-offs are history and stay."""
    schema, name = table.split(".")
    owned = f"(select {key} from {WORK}_owned_{key})"
    con.execute(f"alter table {table} rename to _new_{name}")
    con.execute(f"alter table {_prev(table)} rename to {name}")
    only = f" and {at} = (select as_of_date from {CUTOFF})" if at else ""
    con.execute(f"delete from {table} where {key} in {owned}{only}")
    con.execute(
        f"insert into {table} by name select * from {schema}._new_{name} where {key} in {owned}"
    )
    con.execute(f"drop table {schema}._new_{name}")


def _drop_work(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "select table_name from duckdb_tables() where temporary "
        f"and starts_with(table_name, {text(WORK + '_')})"
    ).fetchall()
    for (name,) in names:
        con.execute(f"drop table temp.{name}")
