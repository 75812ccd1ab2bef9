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

from ecoute.db import configure
from ecoute.settings import Settings, load_settings
from warehouse.build import build_all

BXL = ZoneInfo("Europe/Brussels")


def bxl(text: str) -> str:
    """'2026-03-02 09:00' in Brussels local time, as an ISO instant with its offset."""
    return datetime.fromisoformat(text).replace(tzinfo=BXL).isoformat()


def settings_for(tmp_path: Path, **metrics: Any) -> Settings:
    settings = load_settings(warehouse=tmp_path / "ecoute.duckdb", environ={})
    return settings.with_overrides(metrics=metrics) if metrics else settings


def build(
    tmp_path: Path, rows: Mapping[str, Sequence[Mapping[str, Any]]], **metrics: Any
) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse file holding `rows` (entity → list of contract-column dicts), built."""
    from etl.schema import create_raw_tables

    settings = settings_for(tmp_path, **metrics)
    con = duckdb.connect(str(settings.warehouse))
    configure(con, settings)
    create_raw_tables(con)
    for entity, records in rows.items():
        for record in records:
            cols = ", ".join(record)
            marks = ", ".join("?" for _ in record)
            sql = f"insert into raw.{entity} ({cols}) values ({marks})"
            con.execute(sql, list(record.values()))
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
