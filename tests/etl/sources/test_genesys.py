"""The Genesys Cloud pack on a conversation details page built from Genesys's data model.

conversations/details-2026-06-15.json holds 4 conversations:
$.conversations[0] inbound: IVR, queue Technical (tAnswered at 07:03:10), agent tech-007;
                   the customer's segment ends with disconnectType endpoint → customer hung up
$.conversations[1] inbound, abandoned in queue (tAbandon, no agent)  → unanswered, customer
$.conversations[2] outbound placed by bill-002; remote party purpose "external"; its segment
                   ends "peer" (the agent hung up); answered when the agent's interact starts
$.conversations[3] no conversationEnd (in progress)                  → quarantined
read 4 = loaded 3 + quarantined 1.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "genesys"


def test_one_call_per_conversation_from_participants_sessions_segments(settings):
    result = run_load(settings, SAMPLE, pack_path("genesys"))
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined) == (4, 3, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set timezone = 'UTC'")
    rows = con.execute(
        "select right(call_id, 1), direction, initiation, queue, agent_id, "
        "strftime(queued_at, '%H:%M:%S'), strftime(answered_at, '%H:%M:%S'), disconnect_party, "
        "customer_id, outcome from raw.calls order by call_id"
    ).fetchall()
    assert rows == [
        ("1", "inbound", "inbound", "Technical", "tech-007", "07:00:40", "07:03:10", "customer",
         "00001234", "resolved"),
        ("2", "inbound", "inbound", "Technical", None, "07:20:45", None, "customer", "00009999",
         None),
        ("3", "outbound", "outbound", None, "bill-002", None, "08:00:20", "agent", "00005678",
         "callback_promised"),
    ]  # fmt: skip
    line, reason, record = con.execute(
        "select line, reason, record from meta.quarantine"
    ).fetchone()
    assert (line, reason) == (4, "ended_at: required field is empty")
    assert '"_path":"$.conversations[3]"' in record
