"""Days without service are the union of a customer's outages clipped to the period: a day lost
is lost once, however many tickets say so, and never more days than the period has. Times are
Brussels local (no DST change in these weeks); ISO weeks start Monday 00:00: W09 = 23 February,
W10 = 2 March, W11 = 9 March 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoute.reports.dashboard.data import Filters, worst_customers
from ecoute.reports.journey import customer_journey
from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl

W09, W10, W11 = dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9)


def outage(ticket_id: str, customer: str, opened: str, restored: str | None) -> dict:
    return {
        "ticket_id": ticket_id,
        "customer_id": customer,
        "opened_at": bxl(opened),
        "restored_at": bxl(restored) if restored else None,
        "status": "resolved" if restored else "open",
        "category": "internet",
        "service_loss": "total",
    }


TICKETS = [
    # C1. K1 crosses the start of W10; K2 overlaps it; K3 lies inside both; K4, after a day of
    # service (Thu 12:00 → Fri 12:00), crosses the end of W10.
    outage("K1", "C1", "2026-02-28 12:00", "2026-03-04 12:00"),
    outage("K2", "C1", "2026-03-03 12:00", "2026-03-05 12:00"),
    outage("K3", "C1", "2026-03-04 00:00", "2026-03-04 06:00"),
    outage("K4", "C1", "2026-03-06 12:00", "2026-03-10 12:00"),  # the data's horizon
    # C2. L1 covers all of W10; L2 lies inside it; L3 is still open at the horizon.
    outage("L1", "C2", "2026-03-01 00:00", "2026-03-09 12:00"),
    outage("L2", "C2", "2026-03-02 00:00", "2026-03-08 00:00"),
    outage("L3", "C2", "2026-03-05 00:00", None),
]


@pytest.fixture(scope="module")
def outages(tmp_path_factory):
    return build(tmp_path_factory.mktemp("outages"), {"customers": CUSTOMERS, "tickets": TICKETS})


def _weekly(con) -> dict[tuple[dt.date, str], float]:
    rows = con.execute(
        "select week_start, customer_id, days_without_service "
        "from marts.rpt_customers__worst_weekly"
    ).fetchall()
    return {(week, customer): days for week, customer, days in rows}


def test_worst_weeks_count_overlapping_and_nested_outages_once(outages):
    # C1, W10: Mon 00:00 → Thu 12:00 (K1 ∪ K2 ∪ K3) = 3.5 d, plus Fri 12:00 → Mon 00:00 (K4)
    # = 2.5 d → 6.0 (the tickets' parts added would be 2.5 + 2 + 0.25 + 2.5 = 7.25 > 7).
    # W09: Sat 12:00 → Mon 00:00 = 1.5; W11: Mon 00:00 → Tue 12:00 = 1.5.
    # C2, W10: the whole week = 7.0 (added: 7 + 6 + 4 = 17); W09: Sunday = 1.0;
    # W11: L1 to Mon 12:00 ∪ L3 to the horizon Tue 12:00 = 1.5.
    assert _weekly(outages) == {
        (W09, "C1"): 1.5,
        (W10, "C1"): 6.0,
        (W11, "C1"): 1.5,
        (W09, "C2"): 1.0,
        (W10, "C2"): 7.0,
        (W11, "C2"): 1.5,
    }


def test_no_week_holds_more_than_seven_days(outages):
    assert max(_weekly(outages).values()) <= 7


def test_journey_summary_counts_the_union(outages):
    # C1 as of the horizon: Sat 28 Feb 12:00 → Thu 5 Mar 12:00 (5 d) + Fri 6 Mar 12:00 →
    # Tue 10 Mar 12:00 (4 d) = 9 d; each ticket still shows its own outage (K1: 4 d).
    journey = customer_journey(outages, "C1")
    assert journey["summary"]["days_without_service"] == 9.0
    assert journey["events"][0]["days_without_service"] == 4.0
    # As of Sunday 8 March (to Monday 00:00): 5 d + Fri 12:00 → Mon 00:00 (2.5 d) = 7.5 d.
    as_of = customer_journey(outages, "C1", as_of=dt.date(2026, 3, 8))
    assert as_of["summary"]["days_without_service"] == 7.5
    # C2 as of the horizon: Sun 1 Mar 00:00 → Tue 10 Mar 12:00 = 9.5 d (added: 20.5 d).
    assert customer_journey(outages, "C2")["summary"]["days_without_service"] == 9.5


def test_dashboard_range_never_exceeds_its_days(outages):
    # W09 to W11 is 21 days; C2 lost 1 + 7 + 1.5 = 9.5 of them, C1 1.5 + 6 + 1.5 = 9.
    rows = worst_customers(outages, Filters(start=W09, end=W11), top=10)
    days = {row["customer_id"]: row["days_without_service"] for row in rows}
    assert days == {"C1": 9.0, "C2": 9.5}
    # One week alone: never more than its 7 days.
    rows = worst_customers(outages, Filters(start=W10, end=W10), top=10)
    assert {row["customer_id"]: row["days_without_service"] for row in rows} == {
        "C1": 6.0,
        "C2": 7.0,
    }
