"""Tiny builders: hand-written raw rows in local Brussels wall-clock time → a built warehouse.

Each test writes its rows as a person would read them (``bxl('2026-03-02 09:00')``), inserts
them into a fresh temporary DuckDB file's ``raw`` tables and runs the real model build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from ecoute.core.db import configure
from ecoute.core.settings import Settings, load_settings
from ecoute.warehouse.build import build_all
from ecoute.warehouse.python.intents import create_intent_tables

BXL = ZoneInfo("Europe/Brussels")


def bxl(text: str) -> str:
    """'2026-03-02 09:00' in Brussels local time, as an ISO instant with its offset."""
    return datetime.fromisoformat(text).replace(tzinfo=BXL).isoformat()


def settings_for(tmp_path: Path, **metrics: Any) -> Settings:
    settings = load_settings(warehouse=tmp_path / "ecoute.duckdb", environ={})
    return settings.with_overrides(metrics=metrics) if metrics else settings


def build(
    tmp_path: Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    intents: Sequence[tuple[str, str, str]] = (),
    **metrics: Any,
) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse file holding `rows` (entity → list of contract-column dicts), built.

    `intents` (message_id, intent, phrase) stand in for the intents step's table."""
    from ecoute.etl.schema import create_raw_tables

    settings = settings_for(tmp_path, **metrics)
    if intents:  # hand-stated intents stand in for the classifier
        settings = settings.with_overrides(intents={"classify": False})
    con = duckdb.connect(str(settings.warehouse))
    configure(con, settings)
    create_raw_tables(con)
    for entity, records in rows.items():
        for record in records:
            cols = ", ".join(record)
            marks = ", ".join("?" for _ in record)
            sql = f"insert into raw.{entity} ({cols}) values ({marks})"
            con.execute(sql, list(record.values()))
    if intents:
        create_intent_tables(con)
        con.executemany(
            "insert into intermediate.int_messages__intents (message_id, intent, phrase) "
            "values (?, ?, ?)",
            intents,
        )
    build_all(con, settings)
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The single value a query returns."""
    row = con.execute(sql, list(params)).fetchone()
    return None if row is None else row[0]


def metric(
    con: duckdb.DuckDBPyConnection,
    name: str,
    period: str,
    *,
    grain: str = "week",
    region: str = "*",
    dimension: str = "all",
    value: str = "*",
) -> tuple[float | None, float | None, float | None]:
    """(numerator, denominator, value) of one metric row of the weekly or daily mart."""
    table, col = (
        ("marts.rpt_metrics__weekly", "week_start")
        if grain == "week"
        else ("marts.rpt_metrics__daily", "metric_date")
    )
    row = con.execute(
        f"select numerator, denominator, value from {table} where {col} = ?::date and metric = ? "
        "and region = ? and dimension = ? and dimension_value = ?",
        [period, name, region, dimension, value],
    ).fetchone()
    return (None, None, None) if row is None else row


def call(
    call_id: str,
    started: str,
    ended: str,
    customer_id: str | None = "C1",
    *,
    direction: str = "inbound",
    answered: str | None = None,
    queued: str | None = None,
    party: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A call leg; times are Brussels local wall-clock strings."""
    row = {
        "call_id": call_id,
        "direction": direction,
        "started_at": bxl(started),
        "ended_at": bxl(ended),
        "customer_id": customer_id,
        "answered_at": bxl(answered) if answered else None,
        "queued_at": bxl(queued) if queued else None,
        "disconnect_party": party,
    }
    return {**row, **extra}


CUSTOMERS = [
    {"customer_id": "C1", "region": "Liège", "segment": "residential"},
    {"customer_id": "C2", "region": "Namur", "segment": "business"},
    {"customer_id": "C3", "region": "Liège", "segment": "business"},
    {"customer_id": "C4", "region": "Namur", "segment": "residential"},
    {"customer_id": "C5", "region": "Liège", "segment": "residential"},
]
