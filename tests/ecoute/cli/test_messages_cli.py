"""`ecoute messages`: a week's messages with the intents the classifier read and why."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ecoute.cli import app
from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl


def _message(message_id: str, received: str, body: str, language: str | None = None) -> dict:
    return {"message_id": message_id, "customer_id": "C1", "received_at": bxl(received),
            "channel": "email", "body": body, "language": language}  # fmt: skip


def test_messages_lists_intents_with_their_phrases(tmp_path):
    messages = [
        _message("M1", "2026-03-02 10:00", "Le technicien n'est jamais venu. Je vais résilier !"),
        _message("M2", "2026-03-03 10:00", "Merci pour la réparation rapide.", "fr"),
        _message("M3", "2026-03-09 10:00", "I will switch provider.", "en"),  # next week
    ]
    con = build(tmp_path, {"customers": CUSTOMERS, "messages": messages})
    con.close()
    runner = CliRunner()
    args = ["--warehouse", str(tmp_path / "ecoute.duckdb"), "messages", "--week", "2026-W10"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["message_id"]: r for r in json.loads(result.output)}
    assert set(rows) == {"M1", "M2"}
    assert {"churn_threat", "missed_appointment"} <= set(rows["M1"]["intents"])
    assert rows["M2"]["intents"] == []
    assert any(
        p.startswith("churn_threat: ") and "résilier" in p for p in rows["M1"]["intent_phrases"]
    )

    only = runner.invoke(app, [*args, "--intent", "churn_threat", "--format", "json"])
    assert [r["message_id"] for r in json.loads(only.output)] == ["M1"]
