"""The Zendesk pack on two pages of the incremental ticket export (include=metric_sets),
written one JSON document per line as a script saving each page would.

page 1 ($[0]): 35436 open (email), 35437 solved (voice, high), 35438 pending (web, low)
page 2 ($[1]): 35436 again, solved a day later and reopened once → the later copy wins;
               35439 created_at "yesterday"                   → quarantined in both entities
tickets:  read 5 = loaded 3 + superseded 1 + quarantined 1
messages: read 5 = loaded 2 (35436, 35438) + superseded 1 + quarantined 2 (the voice ticket's
          description is a call note, not a written message; 35439)
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "zendesk"


def test_incremental_pages_feed_tickets_and_messages(settings):
    result = run_load(settings, SAMPLE, pack_path("zendesk"))
    counts = {f.entity: (f.read, f.loaded, f.superseded, f.quarantined) for f in result.files}
    assert counts == {"tickets": (5, 3, 1, 1), "messages": (5, 2, 1, 2)}
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    tickets = con.execute(
        "select ticket_id, status, priority, channel, resolved_at is not null, reopened_count "
        "from raw.tickets order by 1"
    ).fetchall()
    assert tickets == [
        ("35436", "resolved", "normal", "email", True, 1),
        ("35437", "resolved", "high", "phone", True, 0),
        ("35438", "pending", "low", "web", False, 0),
    ]
    messages = con.execute("select message_id, channel from raw.messages order by 1").fetchall()
    assert messages == [("zendesk-35436", "email"), ("zendesk-35438", "web")]
    where = con.execute(
        "select entity, json_extract_string(record, '$._path') from meta.quarantine "
        "where reason like 'opened_at%' or reason like 'received_at%' order by entity"
    ).fetchall()
    assert where == [("messages", "$[1].tickets[1]"), ("tickets", "$[1].tickets[1]")]
