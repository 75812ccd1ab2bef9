"""Warehouse step: classify staging.stg_messages into two intermediate tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from ecoute.intents.frame import classify_frame

SOURCE_TABLE = "staging.stg_messages"
CLASSIFIED_TABLE = "intermediate.int_messages__classified"
INTENTS_TABLE = "intermediate.int_messages__intents"


def build_message_intents(
    con: duckdb.DuckDBPyConnection, *, extra_lexicons: Sequence[Path] | None = None
) -> int:
    """Classify every message of staging.stg_messages and (re)write the intermediate tables.

    Writes intermediate.int_messages__classified (message_id, language, severity DOUBLE,
    intents VARCHAR[]) and intermediate.int_messages__intents (message_id, intent, phrase),
    creating the schema if needed. Returns the number of messages classified.
    """
    source = con.execute(
        f"select message_id, body, subject, language from {SOURCE_TABLE} order by message_id"
    ).pl()
    messages, hits = classify_frame(source, extra_lexicons=extra_lexicons)
    con.execute("create schema if not exists intermediate")
    con.register("_ecoute_classified", messages.to_arrow())
    con.register("_ecoute_hits", hits.to_arrow())
    try:
        con.execute(
            f"""create or replace table {CLASSIFIED_TABLE} as
            select message_id::varchar as message_id, language::varchar as language,
                   severity::double as severity, intents::varchar[] as intents
            from _ecoute_classified"""
        )
        con.execute(
            f"""create or replace table {INTENTS_TABLE} as
            select message_id::varchar as message_id, intent::varchar as intent,
                   phrase::varchar as phrase
            from _ecoute_hits"""
        )
    finally:
        con.unregister("_ecoute_classified")
        con.unregister("_ecoute_hits")
    return messages.height
