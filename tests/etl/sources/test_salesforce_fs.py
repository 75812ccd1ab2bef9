"""The Salesforce Field Service pack on a Data Loader export of ServiceAppointment (CSV,
upper-case API names as headers, UTC date-times), statuses from the object's Status picklist.

SA-0001 Completed, fixed                              → completed, fixed true
SA-0002 Cannot Complete, technician started           → customer_absent (arrived_at kept)
SA-0003 Cannot Complete, nobody started               → no_show
SA-0004 Canceled by the Customer                      → cancelled_by_customer, cancelled_at
SA-0005 Canceled, nobody said by whom                 → quarantined with that reason
SA-0006 Dispatched                                    → scheduled, customer notified
SA-0007 arrival window ends before it starts          → quarantined by the contract's rule
read 7 = loaded 5 + quarantined 2.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "salesforce-fs"


def test_service_appointments_map_onto_appointments(settings):
    result = run_load(settings, SAMPLE, pack_path("salesforce-fs"))
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined) == (7, 5, 2)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set timezone = 'UTC'")
    rows = con.execute(
        "select appointment_id, status, fixed, strftime(arrived_at, '%H:%M'), "
        "cancelled_at is not null, customer_notified_at is not null, technician_id "
        "from raw.appointments order by 1"
    ).fetchall()
    assert rows == [
        ("SA-0001", "completed", True, "07:05", False, False, "BRL-A-03"),
        ("SA-0002", "customer_absent", None, "07:40", False, False, "BRL-A-03"),
        ("SA-0003", "no_show", None, None, False, False, "VLA-B-01"),
        ("SA-0004", "cancelled_by_customer", None, None, True, False, None),
        ("SA-0006", "scheduled", None, None, False, True, "VLA-B-01"),
    ]
    reasons = con.execute("select line, reason from meta.quarantine order by line").fetchall()
    assert reasons[0][0] == 6 and "Canceled without CANCELED_BY__C" in reasons[0][1]
    assert reasons[1] == (8, "window_end: is not after window_start")
