"""The ServiceNow pack on an incident list export (CSV) written as ServiceNow's list export
writes it: field names as headers, display values, every value quoted, local date-times.

incident.csv, 5 incidents:
INC0010001 Closed, Internet, Phone, "2 - High", restored/resolved/closed, reopened once → loaded
INC0010002 "On Hold" (pending), Billing, Email, "3 - Moderate"                          → loaded
INC0010003 sys values: state 6, category inquiry, contact_type self-service, priority 4 → loaded
INC0010004 state "Awaiting Vendor": not a state this pack knows  → quarantined, never guessed
INC0010005 no caller                                             → quarantined (required)
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "servicenow"


def test_display_and_sys_values_map_onto_tickets(settings):
    result = run_load(settings, SAMPLE, pack_path("servicenow"))
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined) == (5, 3, 2)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set timezone = 'UTC'")
    rows = con.execute(
        "select ticket_id, status, category, channel, priority, service_loss, reopened_count, "
        "root_cause, outage_id, strftime(opened_at, '%H:%M') from raw.tickets order by 1"
    ).fetchall()
    assert rows == [
        ("INC0010001", "closed", "internet", "phone", "high", "total", 1, "fibre cut",
         "OUT-2026-001", "07:00"),  # 09:00 in Brussels summer time
        ("INC0010002", "pending", "billing", "email", "normal", "none", 0, None, None, "08:15"),
        ("INC0010003", "resolved", "other", "web", "low", "none", 0, "password reset", None,
         "09:00"),
    ]  # fmt: skip
    reasons = con.execute("select line, reason from meta.quarantine order by line").fetchall()
    assert reasons[0][0] == 5 and "Awaiting Vendor" in reasons[0][1]
    assert reasons[1] == (6, "customer_id: required field is empty")
    extra = con.execute(
        "select extra ->> 'sys_mod_count' from raw.tickets order by ticket_id"
    ).fetchall()
    assert extra == [("7",), ("2",), ("3",)]


def test_table_api_json_loads_the_same_tickets(settings):
    """The same five incidents as a Table API page ({"result": [...]}, display values)."""
    json_sample = Path(__file__).parent / "servicenow-json"
    result = run_load(settings, json_sample, pack_path("servicenow-json"))
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined) == (5, 3, 2)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute(
        "select ticket_id, customer_id, status from raw.tickets order by 1"
    ).fetchall()
    assert rows == [("INC0010001", "00001234", "closed"), ("INC0010002", "00005678", "pending"),
                    ("INC0010003", "00009999", "resolved")]  # fmt: skip
    record = con.execute("select record from meta.quarantine where line = 4").fetchone()[0]
    assert '"_path":"$.result[3]"' in record
