"""Warehouse wiring: staging tables in, `core.fct_compensation` out, and the CLI's read.

Reading and writing live here; every decision lives in the pure engine and in
`incidents`. The clock is a parameter: an incident still running is valued as of `as_of`,
and without `as_of` it is left out (documented in docs/compensation.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
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
from ecoute.compensation.packs import load_pack

_MONEY = pl.Decimal(18, 2)


def build_compensation(
    con: duckdb.DuckDBPyConnection,
    pack_name: str,
    tz: str = "Europe/Brussels",
    *,
    as_of: datetime | None = None,
    extra_dirs: Sequence[Path] = (),
) -> int:
    """Rebuild pack `pack_name`'s rows of core.fct_compensation; return how many were written.

    `tz` is the operator's local time (calendar and working days). Other packs' rows are
    left alone, so a Belgian operator can hold be_outage_2024 and be_easy_switch side by side.
    """
    pack = load_pack(pack_name, extra_dirs)
    owed = compute(_incidents(con), pack, tz=tz, as_of=as_of)
    paid = _payments(con, as_of)
    frame = _frame(owed, paid, as_of)
    con.execute(_sql("fct_compensation"))
    # No transaction of its own: the build (inside a load, or `ecoute build`) holds one, so the
    # delete and the insert commit together with everything else.
    con.execute("delete from core.fct_compensation where pack = ?", [pack.name])
    con.register("_compensation_rows", frame)
    try:
        con.execute(_sql("insert_fct_compensation"))
    finally:
        con.unregister("_compensation_rows")
    return frame.height


def owed_table(
    con: duckdb.DuckDBPyConnection,
    week: str | None,
    customer_id: str | None,
    *,
    pack: str | None = None,
) -> pl.DataFrame:
    """Rows of core.fct_compensation, optionally for one ISO week (`2026-W14`, by the date
    the compensation first became due), one customer and one pack."""
    start, end = iso_week_bounds(week) if week else (None, None)
    params = {"week_start": start, "week_end": end, "customer_id": customer_id, "pack": pack}
    return con.execute(_sql("owed_table"), params).pl()


def iso_week_bounds(week: str) -> tuple[date, date]:
    """`2026-W14` -> (Monday 2026-03-30, Monday 2026-04-06): half-open."""
    try:
        year, number = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError as err:
        raise ValueError(f"week must look like 2026-W14, not {week!r}") from err
    return monday, monday + timedelta(days=7)


def _incidents(con: duckdb.DuckDBPyConnection) -> list[Incident]:
    appointments = _rows(con, "stg_appointments")
    fees = {str(c["customer_id"]): c.get("monthly_fee") for c in _rows(con, "stg_customers")}
    outages = {str(o["outage_id"]): o.get("started_at") for o in _rows(con, "stg_outages")}
    # Only a total loss of service can earn repair compensation (partial or none is degraded
    # service, excluded by every pack): the rest never reaches the Python engine.
    tickets = _rows(con, "stg_tickets", "service_loss = 'total'")
    return [
        *ticket_incidents(tickets, appointments, fees, outages),
        *appointment_incidents(appointments),
        *activation_incidents(_rows(con, "stg_activations")),
    ]


def _rows(con: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> list[dict[str, Any]]:
    # Optional tables (outages, activations) may be absent: absent means no such rows.
    if not _exists(con, table):
        return []
    return con.execute(f"select * from staging.{table} where {where}").pl().to_dicts()


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    query = (
        "select count(*) from information_schema.tables "
        "where table_schema = 'staging' and table_name = ?"
    )
    return con.execute(query, [table]).fetchone()[0] > 0


def _payments(
    con: duckdb.DuckDBPyConnection, as_of: datetime | None
) -> dict[tuple[str, str], Decimal] | None:
    """Paid so far per (customer, incident); None when there is no payments table at all."""
    if not _exists(con, "stg_payments"):
        return None
    rows = con.execute(_sql("payments"), {"as_of": as_of}).fetchall()
    return {(c, i): Decimal(str(p)) for c, i, p in rows}


@dataclass(frozen=True)
class _Paid:
    paid: Decimal | None
    outstanding: Decimal | None


def _allocate(owed: list[Owed], paid: dict[tuple[str, str], Decimal] | None) -> list[_Paid]:
    # A payment is per incident; when several rules owe for one incident, it goes to them
    # in rule order, each taking up to its amount, the last taking any surplus.
    if paid is None:
        return [_Paid(None, None) for _ in owed]
    remaining = dict(paid)
    order = sorted(
        range(len(owed)), key=lambda i: (owed[i].customer_id, owed[i].incident_id, owed[i].rule)
    )
    result: list[_Paid] = [_Paid(None, None)] * len(owed)
    for pos, i in enumerate(order):
        key = (owed[i].customer_id, owed[i].incident_id)
        last = (
            pos + 1 == len(order)
            or (owed[order[pos + 1]].customer_id, owed[order[pos + 1]].incident_id) != key
        )
        left = remaining.get(key, Decimal(0))
        take = left if last else min(left, owed[i].amount)
        remaining[key] = left - take
        result[i] = _Paid(take, owed[i].amount - take)
    return result


def _frame(
    owed: list[Owed], paid: dict[tuple[str, str], Decimal] | None, as_of: datetime | None
) -> pl.DataFrame:
    allocation = _allocate(owed, paid)
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
            "paid_amount": [a.paid for a in allocation],
            "outstanding_amount": [a.outstanding for a in allocation],
            "as_of": [as_of] * len(owed),
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
            "paid_amount": _MONEY,
            "outstanding_amount": _MONEY,
            "as_of": pl.Datetime("us", "UTC"),
        },
    )


def _sql(name: str) -> str:
    return resources.files("ecoute.compensation").joinpath(f"sql/{name}.sql").read_text("utf-8")
