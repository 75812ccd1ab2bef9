"""A tiny hand-written warehouse for the report tests: two weeks (2026-W09, 2026-W10), three
regions (one whose name tries to leave the output folder), a message whose subject and a
quarantined row whose reason carry a <script>, a load of the week, and a missed visit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecoute.core.settings import Settings
from tests.warehouse._warehouse_fixtures import build, bxl, call, settings_for

W09 = dt.date(2026, 2, 23)
W10 = dt.date(2026, 3, 2)
EVIL_REGION = "../../etc/<b>Evil</b>"
SCRIPT = '<script>alert("pwned")</script>'

CUSTOMERS = [
    {"customer_id": "C1", "region": "Liège", "segment": "residential", "monthly_fee": "30"},
    {"customer_id": "C2", "region": "Namur", "segment": "business", "monthly_fee": "60"},
    {"customer_id": "C3", "region": "Liège", "segment": "business", "monthly_fee": "60"},
    {"customer_id": "C4", "region": "Namur", "segment": "residential", "monthly_fee": "30"},
    {"customer_id": "C5", "region": EVIL_REGION, "segment": "residential", "monthly_fee": "30"},
]


def _answered(cid: str, day: str, customer: str, party: str, **extra: object) -> dict:
    return call(cid, f"{day} 09:00", f"{day} 09:05", customer, answered=f"{day} 09:00:10",
                party=party, **extra)  # fmt: skip


CALLS = [
    # W09: two answered calls, one dropped by the system (C1, Liège)
    _answered("A1", "2026-02-23", "C1", "system", queue="tech"),
    _answered("A2", "2026-02-24", "C2", "agent", queue="tech"),
    # W10: five answered calls, two dropped (C2 Namur, C5 evil region), one abandoned
    _answered("B1", "2026-03-02", "C1", "agent", queue="tech"),
    _answered("B2", "2026-03-02", "C2", "system", queue="billing"),
    _answered("B3", "2026-03-03", "C3", "agent", queue="tech", ticket_id="T1"),
    _answered("B4", "2026-03-04", "C4", "agent", queue="billing", ticket_id="T1"),
    _answered("B5", "2026-03-04", "C5", "system", queue="tech"),
    call(
        "B6",
        "2026-03-05 10:00",
        "2026-03-05 10:02",
        "C1",
        queued="2026-03-05 10:00",
        party="customer",
        queue="tech",
    ),  # fmt: skip
]
APPOINTMENTS = [
    {  # missed, nobody told C1 (an unannounced missed visit in Liège)
        "appointment_id": "V1",
        "customer_id": "C1",
        "booked_at": bxl("2026-02-27 09:00"),
        "window_start": bxl("2026-03-05 08:00"),
        "window_end": bxl("2026-03-05 12:00"),
        "status": "no_show",
        "technician_id": "TECH-1",
    },
    {  # done, on time
        "appointment_id": "V2",
        "customer_id": "C2",
        "booked_at": bxl("2026-02-27 09:00"),
        "window_start": bxl("2026-03-04 08:00"),
        "window_end": bxl("2026-03-04 12:00"),
        "status": "completed",
        "technician_id": "TECH-2",
        "arrived_at": bxl("2026-03-04 09:00"),
        "completed_at": bxl("2026-03-04 10:00"),
        "fixed": True,
    },
]
MESSAGES = [
    {
        "message_id": "M1",
        "customer_id": "C1",
        "received_at": bxl("2026-03-05 18:00"),
        "channel": "email",
        "subject": f"Nobody came {SCRIPT}",
        "body": "The technician never came and nobody told me.",
    },
    {  # the data's horizon
        "message_id": "M9",
        "customer_id": "C4",
        "received_at": bxl("2026-03-20 09:00"),
        "channel": "email",
        "body": "horizon",
    },
]


def tiny_warehouse(tmp_path: Path) -> Settings:
    """Build the fixture warehouse in tmp_path; return settings pointing at it."""
    con = build(
        tmp_path,
        {
            "customers": CUSTOMERS,
            "calls": CALLS,
            "appointments": APPOINTMENTS,
            "messages": MESSAGES,
        },
    )
    try:
        con.execute(
            "insert into meta.loads (load_id, started_at, finished_at, status, source, mapping, "
            "message, rows_read, rows_loaded, rows_updated, rows_quarantined, rows_duplicate) "
            "values (1, ?, ?, 'completed', 'fixture', null, null, 10, 8, 0, 2, 0)",
            [bxl("2026-03-09 07:00"), bxl("2026-03-09 07:01")],
        )
        con.execute(
            "insert into meta.quarantine values "
            "(1, 'messages', 'messages.jsonl', 7, 'subject', ?, '{}'), "
            "(1, 'calls', 'calls.csv', 12, 'ended_at', 'ended_at: is before started_at', '{}')",
            [f"subject: unreadable {SCRIPT}"],
        )
    finally:
        con.close()
    return settings_for(tmp_path)
