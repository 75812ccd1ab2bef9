"""Python model: classify staging.stg_messages into two intermediate tables
(``int_messages__classified``, ``int_messages__intents``) with the intent lexicons of
ecoute/intents, offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ecoute.core.batches import DEFAULT_BATCH_MESSAGES, Bucket, batch_messages
from ecoute.core.settings import Settings
from ecoute.intents.frame import classify_frame
from ecoute.warehouse.python import sql
from ecoute.warehouse.runner import PythonStep

SOURCE_TABLE = "staging.stg_messages"
CLASSIFIED_TABLE = "intermediate.int_messages__classified"
INTENTS_TABLE = "intermediate.int_messages__intents"


def intents_step(settings: Settings) -> PythonStep:
    """Message by message (``message_id``); intents stated by hand (``[intents] classify =
    false``) are kept as they are, never rebuilt (``global``: their tables only created)."""
    classify = bool(settings.section("intents")["classify"])

    def run(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        if not params["classify_intents"]:
            create_intent_tables(con)
            return
        build_message_intents(con, batch_messages=batch_messages(settings))

    return PythonStep(
        "int_messages__classified",
        reads=("stg_messages",),
        writes=(CLASSIFIED_TABLE, INTENTS_TABLE),
        run=run,
        grain="message_id" if classify else "global",
    )


def create_intent_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Both tables, empty, unless they exist (with intents written by hand: tests)."""
    con.execute("create schema if not exists intermediate")
    con.execute(sql("intents", "create_tables"))


def build_message_intents(
    con: duckdb.DuckDBPyConnection,
    *,
    extra_lexicons: Sequence[Path] | None = None,
    batch_messages: int = DEFAULT_BATCH_MESSAGES,
) -> int:
    """Classify every message of staging.stg_messages and (re)write the intermediate tables.

    Writes intermediate.int_messages__classified (message_id, language, severity DOUBLE,
    intents VARCHAR[]) and intermediate.int_messages__intents (message_id, intent, phrase,
    language, clause, method: every intent keeps its evidence, language and clause),
    creating the schema if needed. Returns the number of messages classified.

    Each message is classified on its own, so they are read and written ``batch_messages`` at
    a time (hash buckets of message_id): memory holds one batch, not every message.
    """
    con.execute(f"drop table if exists {CLASSIFIED_TABLE}")
    con.execute(f"drop table if exists {INTENTS_TABLE}")
    create_intent_tables(con)
    total = con.execute(f"select count(*) from {SOURCE_TABLE}").fetchone()[0]
    count = max(1, -(-total // batch_messages))
    classified = 0
    for number in range(count):
        where = Bucket(number, count).where("message_id")
        source = con.execute(
            f"select message_id, body, subject, language from {SOURCE_TABLE} "
            f"where {where} order by message_id"
        ).pl()
        messages, hits = classify_frame(source, extra_lexicons=extra_lexicons)
        _append(con, CLASSIFIED_TABLE, messages)
        _append(con, INTENTS_TABLE, hits)
        classified += messages.height
    return classified


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    con.register("_ecoute_intents_batch", frame.to_arrow())
    try:
        con.execute(f"insert into {table} by name select * from _ecoute_intents_batch")
    finally:
        con.unregister("_ecoute_intents_batch")
