"""Python model `core.fct_compensation`: staging tables in, what each rule pack owes out, and
the CLI's read.

The kinds in `SQL_KINDS` are valued in DuckDB (`sql/compensation/kind_<kind>.sql`), over all
incidents at once, from the packs' rules and rates written as tables; the others by the pure
engine (ecoute/compensation) and `incidents`, a batch of customers at a time. Both give the
same rows, traces included (tests/warehouse/python/test_compensation.py). The clock is a
parameter: an incident still running is valued as of `as_of`, and without `as_of` it is left
out (documented in docs/compensation.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ecoute.compensation.engine import compute
from ecoute.compensation.incidents import (
    activation_incidents,
    appointment_incidents,
    ticket_incidents,
)
from ecoute.compensation.model import Incident, Owed
from ecoute.compensation.packs import Pack, Rate, Rule, load_pack
from ecoute.compensation.rules import KINDS, SYMBOLS
from ecoute.core.batches import DEFAULT_BATCH_CUSTOMERS, Bucket, customer_buckets
from ecoute.core.batches import batch_customers as customers_per_batch
from ecoute.core.settings import Settings
from ecoute.core.sql_literals import literal
from ecoute.warehouse import incremental as inc
from ecoute.warehouse.python import sql
from ecoute.warehouse.python.owed import owed_sql
from ecoute.warehouse.runner import PythonStep

TABLE = "core.fct_compensation"

_MONEY = pl.Decimal(18, 2)


def compensation_step(settings: Settings) -> PythonStep:
    """Each row is one customer's incident, valued from that customer's rows (and the outages,
    whose change forces a full build): ``customer_id``; rows still running at the previous
    horizon are rebuilt when it moves (``pending``)."""
    section = settings.section("compensation")
    # The operator's local time: [compensation] timezone, empty = [metrics] timezone.
    tz = section["timezone"] or settings.metrics["timezone"]
    packs = list(section["packs"])

    def run(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        # As of the data's horizon, never the clock.
        horizon = con.execute("select horizon_at from intermediate.int_data__horizon").fetchone()
        _drop_packs_on_demand(con, packs)
        rebuild_compensation(con, packs, tz, as_of=horizon[0] if horizon else None,
                             batch_customers=customers_per_batch(settings))  # fmt: skip

    return PythonStep(
        "fct_compensation",
        reads=("stg_tickets", "stg_appointments", "stg_customers", "stg_outages",
               "int_data__horizon"),  # fmt: skip
        writes=(TABLE,),
        run=run,
        grain="customer_id",
        pending=pending_queries(),
    )


def _drop_packs_on_demand(con: duckdb.DuckDBPyConnection, packs: list[str]) -> None:
    """A full build writes the configured packs only, so rows of a pack computed on demand
    (`ecoute compensation --pack`) disappear. An incremental build merges into the previous
    table, parked while the step runs: those rows must leave it too, or they would stay valued
    as of an old horizon (and the CLI would show them instead of computing the pack again)."""
    parked = inc.parked(TABLE)
    if inc.table_exists(con, parked):
        con.execute(f"delete from {parked} where not list_contains({literal(packs)}::varchar[], pack)")


def build_compensation(
    con: duckdb.DuckDBPyConnection,
    pack_name: str,
    tz: str | None = None,
    *,
    as_of: datetime | None = None,
    extra_dirs: Sequence[Path] = (),
    batch_customers: int = DEFAULT_BATCH_CUSTOMERS,
) -> int:
    """Rebuild pack `pack_name`'s rows of core.fct_compensation; return how many were written.

    `tz` is the operator's local time (calendar and working days; None: the pack's own time
    zone, as in the engine). Other packs' rows are
    left alone, so a Belgian operator can hold be_outage_2024 and be_easy_switch side by side.
    """
    pack = load_pack(pack_name, extra_dirs)
    # No transaction of its own: the build (inside a load, or `ecoute build`) holds one, so the
    # delete and the inserts commit together with everything else.
    if _exists(con, "fct_compensation", "core"):
        con.execute(f"delete from core.fct_compensation where pack = {literal(pack.name)}")
    else:
        con.execute(_sql("fct_compensation"))
    return _write(con, [pack], tz, as_of, batch_customers)


def rebuild_compensation(
    con: duckdb.DuckDBPyConnection,
    pack_names: Sequence[str],
    tz: str | None = None,
    *,
    as_of: datetime | None = None,
    extra_dirs: Sequence[Path] = (),
    batch_customers: int = DEFAULT_BATCH_CUSTOMERS,
) -> int:
    """Replace core.fct_compensation with the rows of every pack in `pack_names` (the build's
    step); return how many were written. Each batch of customers is read once for all packs."""
    packs = [load_pack(name, extra_dirs) for name in dict.fromkeys(pack_names)]
    con.execute(_sql("fct_compensation"))
    return _write(con, packs, tz, as_of, batch_customers)


def pending_queries() -> tuple[str, ...]:
    """Queries naming the customers whose rows wait on the data's horizon (see
    `PythonStep.pending`): an incremental build that moves the horizon rebuilds them, and only
    them, besides the customers a load touched. Every other row is final: an ended incident is
    valued the same for any later horizon (and stores no `as_of`)."""
    candidates = " or ".join(
        f"({kind.candidates})" for kind in KINDS.values() if kind.applies_to == "appointment"
    )
    appointments = _sql("pending_appointments").replace("{candidates}", candidates or "false")
    return (_sql("pending_tickets"), appointments, _sql("pending_activations"),
            _sql("pending_payments"))  # fmt: skip


# Kinds valued in DuckDB (sql/compensation/kind_<kind>.sql), every incident at once; the
# others are valued by the pure engine, one bucket of customers at a time.
SQL_KINDS = frozenset({"outage_tiered", "per_event"})
_SOURCES = {"outage_tiered": "stg_tickets", "per_event": "stg_appointments"}


def _write(
    con: duckdb.DuckDBPyConnection,
    packs: Sequence[Pack],
    tz: str | None,
    as_of: datetime | None,
    batch_customers: int,
    sql_kinds: frozenset[str] = SQL_KINDS,
) -> int:
    con.execute(_sql("macros"))
    con.execute(_sql("owed"))
    in_sql = [(pack, rule) for pack in packs for rule in pack.rules if rule.kind in sql_kinds]
    if in_sql:
        _value_in_sql(con, in_sql, tz, as_of)
    rest = [replace(pack, rules=tuple(r for r in pack.rules if r.kind not in sql_kinds))
            for pack in packs]  # fmt: skip
    if any(pack.rules for pack in rest):
        _value_in_python(con, [pack for pack in rest if pack.rules], tz, as_of, batch_customers)
    payments = "select null::varchar as customer_id, null::varchar as incident_id, " \
        "null::decimal(18, 2) as paid_amount where false"
    has_payments = _exists(con, "stg_payments")
    if has_payments:
        payments = _sql("payments").replace("$as_of", _as_of(as_of))
    con.execute(_sql("insert_fct_compensation").replace("{payments}", payments)
                .replace("{has_payments}", literal(has_payments)))  # fmt: skip
    written = con.execute("select count(*) from _comp_owed").fetchone()[0]
    for table in ("_comp_owed", "_comp_rules", "_comp_rates", "_comp_tickets"):
        con.execute(f"drop table if exists temp.{table}")
    return written


def _as_of(as_of: datetime | None) -> str:
    return literal(as_of) if as_of is not None else "null::timestamptz"


def _value_in_sql(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[tuple[Pack, Rule]],
    tz: str | None,
    as_of: datetime | None,
) -> None:
    """Every incident of the kinds in SQL, valued in DuckDB by the packs' rules as tables."""
    con.execute(_sql("pack_rules").replace("{rows}", ", ".join(
        _rule_row(pack, rule, tz) for pack, rule in rules)))  # fmt: skip
    rates = [_rate_row(pack, rule, rate, key, value) for pack, rule in rules
             for rate in rule.rates for key, value in rate.values.items()]  # fmt: skip
    con.execute(_sql("pack_rates").replace("{rows}", ", ".join(rates)))
    # Absent tables mean no such incidents (as the engine's path reads them), never an error.
    kinds = {rule.kind for _, rule in rules if _exists(con, _SOURCES[rule.kind])}
    outages = "staging.stg_outages" if _exists(con, "stg_outages") else \
        "(select null::varchar as outage_id, null::timestamptz as started_at where false)"
    customers = "staging.stg_customers" if _exists(con, "stg_customers") else \
        "(select null::varchar as customer_id, null::decimal(18, 2) as monthly_fee where false)"
    if kinds & {"outage_tiered"}:
        con.execute(_sql("tickets").replace("{outages}", outages)
                    .replace("{customers}", customers))  # fmt: skip
    for kind in sorted(kinds):
        text = _sql(f"kind_{kind}").replace("{as_of}", _as_of(as_of))
        con.execute(text.replace("{candidates}", KINDS[kind].candidates))


def _rule_row(pack: Pack, rule: Rule, tz: str | None) -> str:
    params = rule.params
    if rule.kind == "per_event" and params["event"] != "missed_appointment":
        raise ValueError(f"rule {rule.name}: unknown event {params['event']!r}")
    threshold = params.get("threshold_hours")
    late_cancel = params.get("late_cancel_h")
    values = [
        pack.name, rule.name, rule.kind, pack.currency, SYMBOLS.get(pack.currency),
        tz or pack.timezone,
        sorted(pack.exclusions.service_loss), sorted(pack.exclusions.root_causes),
        sorted(pack.exclusions.categories),
        timedelta(hours=float(threshold)) // timedelta(microseconds=1) if threshold else None,
        params.get("clock_starts") == "earliest_known",
        float(late_cancel) if late_cancel is not None else None,
        f"{float(late_cancel):g}" if late_cancel is not None else None,
        bool(params.get("late_arrival_is_missed")),
    ]  # fmt: skip
    types = ["varchar"] * 6 + ["varchar[]"] * 3 + ["bigint", "boolean", "double", "varchar",
                                                    "boolean"]  # fmt: skip
    return "(" + ", ".join(f"{literal(v)}::{t}" for v, t in zip(values, types, strict=True)) + ")"


def _rate_row(pack: Pack, rule: Rule, rate: Rate, key: str, value: Decimal) -> str:
    # The SQL kinds count in micro-units: a rate with more decimals would be rounded there.
    if value != value.quantize(Decimal("0.000001")):
        raise ValueError(f"pack {pack.name}, rule {rule.name}: rate {key} = {value} has more "
                         "than 6 decimals")  # fmt: skip
    values = (pack.name, rule.name, rate.effective_from, key, str(value), str(value))
    return "(" + ", ".join(literal(v) for v in values) + ")"


def _value_in_python(
    con: duckdb.DuckDBPyConnection,
    packs: Sequence[Pack],
    tz: str | None,
    as_of: datetime | None,
    batch_customers: int,
) -> None:
    # Customer by customer is exact: an incident, its pauses and fee are all one customer's,
    # so each batch of customers is read, valued and written on its own.
    applies_to = {rule.applies_to for pack in packs for rule in pack.rules}
    candidates = _appointment_candidates(packs)
    for bucket in _buckets(con, batch_customers):
        incidents = _incidents(con, bucket, applies_to, candidates)
        for pack in packs:
            # A pack's rules look only at their own kinds of incident: the others are not
            # even converted to UTC (a third of the step's time when every pack saw all).
            kinds = {rule.applies_to for rule in pack.rules}
            own = [incident for incident in incidents if incident.kind in kinds]
            _insert(con, _frame(compute(own, pack, tz=tz, as_of=as_of)))


def _buckets(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Bucket]:
    if not _exists(con, "stg_customers"):
        return iter([Bucket(0, 1)])
    return customer_buckets(con, size)


def _insert(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    con.register("_compensation_rows", frame)
    try:
        con.execute("insert into _comp_owed select * from _compensation_rows")
    finally:
        con.unregister("_compensation_rows")


def owed_table(
    con: duckdb.DuckDBPyConnection,
    week: str | None,
    customer_id: str | None,
    *,
    pack: str | None = None,
) -> pl.DataFrame:
    """Rows of core.fct_compensation (:func:`~ecoute.warehouse.python.owed.owed_sql`)."""
    return con.execute(owed_sql(week, customer_id, pack)).pl()


def _incidents(
    con: duckdb.DuckDBPyConnection, bucket: Bucket, applies_to: set[str], candidates: str
) -> list[Incident]:
    """The incidents of one bucket of customers, of the kinds some rule applies to."""
    mine = bucket.where("customer_id")
    incidents: list[Incident] = []
    if "ticket" in applies_to:
        # Only a total loss of service can earn repair compensation (partial or none is
        # degraded service, excluded by every pack): the rest never reaches the Python engine.
        total = f"service_loss = 'total' and {mine}"
        tickets = _rows(con, "stg_tickets", total)
        # A ticket's pauses come from all its appointments, whoever they are booked for.
        pausing = f"ticket_id in (select ticket_id from staging.stg_tickets where {total})"
        fees = {str(c["customer_id"]): c.get("monthly_fee")
                for c in _rows(con, "stg_customers", mine)}  # fmt: skip
        outages = {str(o["outage_id"]): o.get("started_at") for o in _rows(con, "stg_outages")}
        pauses = _rows(con, "stg_appointments", pausing)
        incidents += ticket_incidents(tickets, pauses, fees, outages)
    if "appointment" in applies_to:
        appointments = _rows(con, "stg_appointments", f"({candidates}) and {mine}")
        incidents += appointment_incidents(appointments)
    if "activation" in applies_to:
        incidents += activation_incidents(_rows(con, "stg_activations", mine))
    return incidents


def _appointment_candidates(packs: Sequence[Pack]) -> str:
    """SQL predicate for the appointments some appointment rule could owe for: each rule kind
    names the ones it could (`RuleKind.candidates`), so the others stay in DuckDB."""
    kinds = (KINDS[rule.kind] for pack in packs for rule in pack.rules)
    wanted = {kind.candidates for kind in kinds if kind.applies_to == "appointment"}
    return " or ".join(f"({w})" for w in sorted(wanted)) or "false"


# The columns the incidents read (`incidents.py`); optional ones may be missing. Reading only
# these keeps the rest of each row (free text, lineage) out of Python and DuckDB's cache.
_USED = {
    "stg_tickets": ("ticket_id", "customer_id", "opened_at", "status", "category",
                    "service_loss", "restored_at", "resolved_at", "root_cause", "outage_id"),
    "stg_appointments": ("appointment_id", "customer_id", "booked_at", "window_start",
                         "window_end", "status", "ticket_id", "arrived_at", "cancelled_at",
                         "customer_notified_at", "earliest_offered_at"),
    "stg_customers": ("customer_id", "monthly_fee"),
    "stg_outages": ("outage_id", "started_at"),
    "stg_activations": ("activation_id", "customer_id", "promised_date", "activated_at"),
}  # fmt: skip


def _rows(con: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> list[dict[str, Any]]:
    # Optional tables (outages, activations) may be absent: absent means no such rows.
    if not _exists(con, table):
        return []
    present = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            f"where table_schema = 'staging' and table_name = {literal(table)}"
        ).fetchall()
    }
    columns = ", ".join(c for c in _USED[table] if c in present)
    return con.execute(f"select {columns} from staging.{table} where {where}").pl().to_dicts()


def _exists(con: duckdb.DuckDBPyConnection, table: str, schema: str = "staging") -> bool:
    # Literals, not bound values: binding makes DuckDB import pandas (seconds, once).
    query = ("select count(*) from information_schema.tables "
             f"where table_schema = {literal(schema)} and table_name = {literal(table)}")  # fmt: skip
    return con.execute(query).fetchone()[0] > 0


def _frame(owed: list[Owed]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [o.customer_id for o in owed],
            "incident_id": [o.incident_id for o in owed],
            "incident_kind": [o.incident_kind for o in owed],
            "rule": [o.rule for o in owed],
            "pack": [o.pack for o in owed],
            "amount": [o.amount for o in owed],
            "currency": [o.currency for o in owed],
            "accrued_date": [o.accrued_date for o in owed],
            "trace": [o.trace for o in owed],
            "trace_json": [json.dumps(o.trace_data, ensure_ascii=False) for o in owed],
            "as_of": [o.as_of for o in owed],
        },
        schema={
            "customer_id": pl.String,
            "incident_id": pl.String,
            "incident_kind": pl.String,
            "rule": pl.String,
            "pack": pl.String,
            "amount": _MONEY,
            "currency": pl.String,
            "accrued_date": pl.Date,
            "trace": pl.String,
            "trace_json": pl.String,
            "as_of": pl.Datetime("us", "UTC"),
        },
    )


def _sql(name: str) -> str:
    return sql("compensation", name)
