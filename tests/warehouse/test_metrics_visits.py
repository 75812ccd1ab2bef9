"""Field-visit metrics on hand-built appointments. Times are Brussels local; Wednesday
4 March 2026 is in ISO week 2026-W10 (Monday 2 March)."""

from __future__ import annotations

import pytest

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, metric

W10 = "2026-03-02"


def visit(appointment_id: str, status: str, **kw: str | bool | None) -> dict:
    """A visit for C1 due Wednesday 4 March 08:00–12:00, booked 3 days before."""
    row = {
        "appointment_id": appointment_id,
        "customer_id": "C1",
        "booked_at": bxl("2026-03-01 08:00"),
        "window_start": bxl("2026-03-04 08:00"),
        "window_end": bxl("2026-03-04 12:00"),
        "status": status,
        "technician_id": "TECH1",
    }
    for key, value in kw.items():
        row[key] = bxl(value) if key.endswith(("_at", "_start", "_end")) and value else value
    return row


@pytest.fixture
def visits(tmp_path):
    appointments = [
        # came at 09:00: kept, in the window
        visit("V1", "completed", arrived_at="2026-03-04 09:00"),
        # no-show, never told: missed and unannounced
        visit("V2", "no_show"),
        # cancelled by the operator 23 h before the window: a late cancellation = missed;
        # the customer was told at that moment, before the window: announced
        visit(
            "V3",
            "cancelled_by_operator",
            cancelled_at="2026-03-03 09:00",
            customer_notified_at="2026-03-03 09:00",
        ),
        # cancelled by the operator 25 h before: fair notice, not missed
        visit("V4", "cancelled_by_operator", cancelled_at="2026-03-03 07:00"),
        # cancelled by the customer: not due at all
        visit("V5", "cancelled_by_customer", cancelled_at="2026-03-02 10:00"),
        # technician came in the window, customer not home: not missed by the operator
        visit("V6", "customer_absent", arrived_at="2026-03-04 10:00"),
        # technician arrived at 12:30, after the window: missed; told of the delay at 11:00,
        # after window_start → unannounced
        visit(
            "V7",
            "completed",
            arrived_at="2026-03-04 12:30",
            customer_notified_at="2026-03-04 11:00",
        ),
        # a 10-hour "whole day" window booked 7 days ahead, arrived 17:00
        visit(
            "V8",
            "completed",
            window_end="2026-03-04 18:00",
            booked_at="2026-02-25 08:00",
            arrived_at="2026-03-04 17:00",
        ),
    ]
    return build(tmp_path, {"customers": CUSTOMERS, "appointments": appointments})


def test_appointments_due_exclude_customer_cancellations(visits):
    # V1..V8 without V5 → 7
    assert metric(visits, "appointments_due", W10)[2] == 7


def test_missed_visit_rate_late_vs_early_cancellation_and_customer_absent(visits):
    # missed: V2 (no-show), V3 (cancelled 23 h before), V7 (arrived late) = 3 of 7;
    # V4 (25 h notice) and V6 (customer absent) are not missed
    assert metric(visits, "missed_visit_rate", W10) == (3, 7, pytest.approx(3 / 7))
    missed = dict(
        visits.execute("select appointment_id, is_missed from core.fct_appointments").fetchall()
    )
    assert [missed[v] for v in ("V3", "V4", "V5", "V6")] == [True, False, False, False]


def test_unannounced_miss_rate(visits):
    # of V2, V3, V7: V2 never told, V7 told after window_start → 2/3
    assert metric(visits, "unannounced_miss_rate", W10) == (2, 3, pytest.approx(2 / 3))


def test_lead_time_percentiles_are_per_slice_values(visits):
    # lead times of the 7 due visits: 3, 3, 3, 3, 3, 3 and 7 days
    # median = 3; p90 (linear interpolation at rank 0.9 × 6 = 5.4) = 3 + 0.4 × (7 − 3) = 4.6
    assert metric(visits, "median_lead_time_days", W10) == (None, 7, 3)
    assert metric(visits, "p90_lead_time_days", W10) == (None, 7, pytest.approx(4.6))


def test_wide_window_share(visits):
    # V8's window is 10 h > max_window_h 5 → 1/7
    assert metric(visits, "wide_window_share", W10) == (1, 7, pytest.approx(1 / 7))


def test_window_adherence(visits):
    # arrived: V1 09:00 in, V6 10:00 in, V7 12:30 out, V8 17:00 in → 3/4
    assert metric(visits, "window_adherence", W10) == (3, 4, 0.75)


def test_visits_slice_by_technician(visits):
    assert metric(visits, "missed_visit_rate", W10, dimension="technician", value="TECH1")[:2] == (
        3,
        7,
    )


@pytest.fixture
def fixes(tmp_path):
    def completed(aid, ticket, day, fixed, status="completed"):
        return {
            "appointment_id": aid,
            "customer_id": "C1",
            "ticket_id": ticket,
            "booked_at": bxl("2026-02-20 08:00"),
            "window_start": bxl(f"{day} 08:00"),
            "window_end": bxl(f"{day} 12:00"),
            "status": status,
            "technician_id": "TECH1",
            "arrived_at": bxl(f"{day} 09:00"),
            "completed_at": bxl(f"{day} 10:00"),
            "fixed": fixed,
        }

    appointments = [
        completed("F1", "T1", "2026-03-04", True),  # fixed, nothing after → FTF
        completed("F2", "T2", "2026-03-04", True),  # "fixed", but...
        completed("F3", "T2", "2026-03-20", True),  # ...back 16 days later → not FTF
        completed("F4", "T3", "2026-03-04", False),  # not fixed → not FTF
        completed("F5", "T4", "2026-03-04", True),  # fixed; the next visit...
        completed("F6", "T4", "2026-04-20", True),  # ...47 days later is a new problem
        completed("F7", "T5", "2026-04-25", True),  # 30 days not elapsed by horizon
    ]
    tickets = [
        {
            "ticket_id": t,
            "customer_id": "C1",
            "opened_at": bxl("2026-02-19 08:00"),
            "status": "resolved",
            "category": "internet",
        }
        for t in ("T1", "T2", "T3", "T4", "T5")
    ]
    messages = [
        {
            "message_id": "M1",
            "customer_id": "C1",
            "received_at": bxl("2026-05-01 09:00"),
            "channel": "email",
            "body": "horizon",
        }
    ]
    return build(
        tmp_path,
        {
            "customers": CUSTOMERS,
            "appointments": appointments,
            "tickets": tickets,
            "messages": messages,
        },
    )


def test_first_time_fix_rate(fixes):
    # first completed visits on 4 March: T1 yes, T2 no (refix in 16 days), T3 no (not fixed),
    # T4 yes (next visit after 47 days) → 2/4
    assert metric(fixes, "first_time_fix_rate", W10) == (2, 4, 0.5)
    # T5's first visit on 25 April: its 30 days end after the horizon (1 May) → not counted yet
    assert metric(fixes, "first_time_fix_rate", "2026-04-20") == (0, 0, None)
