"""classify_frame: shapes, nullable columns, subject handling."""

import polars as pl

from ecoute.intents import classify_frame


def messages() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "message_id": ["a", "b", "c", "d"],
            "body": ["Le technicien n'est jamais venu.", "All good, thanks.", None, ""],
            "subject": ["Je vais résilier", None, "Storing sinds maandag", None],
            "language": ["fr", None, None, "xx"],
        },
        schema={k: pl.Utf8 for k in ("message_id", "body", "subject", "language")},
    )


def test_one_row_per_message_with_schema():
    result, hits = classify_frame(messages())
    assert result["message_id"].to_list() == ["a", "b", "c", "d"]
    assert result.schema == {
        "message_id": pl.Utf8,
        "language": pl.Utf8,
        "severity": pl.Float64,
        "intents": pl.List(pl.Utf8),
    }
    assert hits.columns == ["message_id", "intent", "phrase", "language", "clause", "method"]


def test_subject_and_body_both_classified():
    result, hits = classify_frame(messages())
    first = result.filter(pl.col("message_id") == "a")["intents"].to_list()[0]
    assert {"churn_threat", "missed_appointment"} <= set(first)
    phrases = dict(zip(hits["intent"], hits["phrase"], strict=True))
    assert phrases["churn_threat"] == "résilier"


def test_null_language_is_detected_and_unknown_code_ignored():
    result, _ = classify_frame(messages())
    langs = dict(zip(result["message_id"], result["language"], strict=True))
    assert langs["a"] == "fr"
    assert langs["b"] == "en"
    assert langs["c"] == "nl"


def test_empty_frame():
    empty = messages().head(0)
    result, hits = classify_frame(empty)
    assert result.height == 0 and hits.height == 0
