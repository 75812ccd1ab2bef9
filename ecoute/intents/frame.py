"""Classify a polars frame of messages in one pass (batch language detection)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ecoute.intents.classifier import classify_parts, detect_languages, normalize_language
from ecoute.intents.combine import with_model

MESSAGE_SCHEMA = {
    "message_id": pl.Utf8,
    "language": pl.Utf8,
    "severity": pl.Float64,
    "intents": pl.List(pl.Utf8),
}
HIT_SCHEMA = {
    "message_id": pl.Utf8,
    "intent": pl.Utf8,
    "phrase": pl.Utf8,
    "language": pl.Utf8,
    "clause": pl.Utf8,
    "method": pl.Utf8,
}


def _languages(
    given: list[str | None], subjects: list[str | None], bodies: list[str | None]
) -> list[str | None]:
    """Given languages where valid; the rest detected in one parallel lingua call."""
    langs = [normalize_language(g) for g in given]
    todo = [i for i, lang in enumerate(langs) if lang is None]
    texts = ["\n".join(p for p in (subjects[i], bodies[i]) if p) for i in todo]
    for i, lang in zip(todo, detect_languages(texts), strict=True):
        langs[i] = lang
    return langs


def classify_frame(
    df: pl.DataFrame,
    *,
    extra_lexicons: Sequence[Path] | None = None,
    use_model: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Classify every message of df.

    Args:
        df: columns message_id, body, subject (nullable), language (nullable: fr|nl|de|en,
            anything else or null means "detect").
        extra_lexicons: operator YAML files merged on top of the built-in lexicons.
        use_model: combine the learned model with the rules as trained (False: rules only).

    Returns:
        (messages, hits): messages has one row per input row (message_id, language,
        severity, intents list); hits has one row per detected intent (message_id, intent,
        phrase, language, clause, method): phrase is an exact substring of the subject or
        the body, or for method "model p=…" the n-grams that weighed most; clause is the
        clause the phrase was read in.
    """
    n = df.height
    ids = [None if v is None else str(v) for v in df["message_id"].to_list()]
    bodies = df["body"].to_list() if "body" in df.columns else [None] * n
    subjects = df["subject"].to_list() if "subject" in df.columns else [None] * n
    given = df["language"].to_list() if "language" in df.columns else [None] * n
    langs = _languages(given, subjects, bodies)
    results = [
        classify_parts([subject, body], lang, extra_lexicons)
        for subject, body, lang in zip(subjects, bodies, langs, strict=True)
    ]
    if use_model:
        texts = ["\n".join(p for p in (s, b) if p) for s, b in zip(subjects, bodies, strict=True)]
        results = with_model(results, texts, tones=[r.tone for r in results])
    hits: dict[str, list[str | None]] = {name: [] for name in HIT_SCHEMA}
    for message_id, result in zip(ids, results, strict=True):
        for hit in result.intents:
            hits["message_id"].append(message_id)
            hits["intent"].append(hit.intent)
            hits["phrase"].append(hit.phrase)
            hits["language"].append(result.language)
            hits["clause"].append(hit.clause)
            hits["method"].append(hit.method)
    messages = pl.DataFrame(
        {
            "message_id": ids,
            "language": langs,
            "severity": [r.severity for r in results],
            "intents": [r.intent_names for r in results],
        },
        schema=MESSAGE_SCHEMA,
    )
    return messages, pl.DataFrame(hits, schema=HIT_SCHEMA)
