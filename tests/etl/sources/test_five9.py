"""The Five9 Call Log pack (the generic ACD CSV report) on a five-call report.

300000000001 Inbound, IVR 40 s, queue 2:18, ring 12 s, talked, Resolved → answered 09:03:10 local
300000000002 Inbound, Abandon after 3:45 in queue                      → unanswered, customer
300000000003 Queue Callback, Callback Promised                        → outbound callback
300000000004 Internal (agent to agent)                                → quarantined: not a customer call
300000000005 TIMESTAMP "15/06/2026 11:00" (not the report's format)   → quarantined, never guessed
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "five9"


def test_call_log_rows_become_calls(settings):
    result = run_load(settings, SAMPLE, pack_path("five9"))
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined) == (5, 3, 2)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set timezone = 'Europe/Brussels'")
    rows = con.execute(
        "select call_id, direction, initiation, strftime(queued_at, '%H:%M:%S'), "
        "strftime(answered_at, '%H:%M:%S'), strftime(ended_at, '%H:%M:%S'), disconnect_party, "
        "outcome from raw.calls order by 1"
    ).fetchall()
    assert rows == [
        ("300000000001", "inbound", "inbound", "09:00:40", "09:03:10", "09:09:00", None, "resolved"),
        ("300000000002", "inbound", "inbound", "09:20:45", None, "09:24:30", "customer", None),
        ("300000000003", "outbound", "callback", None, "10:00:20", "10:04:00", None,
         "callback_promised"),
    ]  # fmt: skip
    reasons = dict(con.execute("select line, reason from meta.quarantine").fetchall())
    assert "not a customer call" in reasons[5]
    assert reasons[6].startswith('started_at: cannot read "15/06/2026 11:00" as a timestamp')
