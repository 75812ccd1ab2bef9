"""Staging rows to incidents: cancelled tickets, restore fallback, and the pauses."""

from __future__ import annotations

from decimal import Decimal

from ecoute.compensation.incidents import ticket_incidents, ticket_pauses

from ._helpers import ldn


def _ticket(**overrides):
    row = {"ticket_id": "T1", "customer_id": "C1", "opened_at": ldn("2026-05-11 10:00"),
           "status": "resolved", "service_loss": "total", "restored_at": None,
           "resolved_at": ldn("2026-05-12 10:00"), "outage_id": None}
    return {**row, **overrides}


def _appt(appointment_id, status, start, booked, **extra):
    return {"appointment_id": appointment_id, "ticket_id": "T1", "status": status,
            "window_start": ldn(start), "booked_at": ldn(booked), **extra}


def test_cancelled_ticket_is_not_an_incident():
    assert ticket_incidents([_ticket(status="cancelled")]) == []


def test_resolved_at_stands_in_for_a_missing_restore_time():
    [incident] = ticket_incidents([_ticket()], monthly_fees={"C1": Decimal("30")})
    assert incident.restored_at == ldn("2026-05-12 10:00")
    assert incident.monthly_fee == Decimal("30")


def test_linked_outage_start_is_attached():
    rows = [_ticket(outage_id="O1")]
    [incident] = ticket_incidents(rows, outage_starts={"O1": ldn("2026-05-11 01:00")})
    assert incident.outage_started_at == ldn("2026-05-11 01:00")


def test_customer_absence_stops_the_clock_until_a_new_visit_is_booked():
    """Absent at Tue 08:00; next visit booked Fri 10:00: stopped Tue 08:00 -> Fri 10:00."""
    appts = [_appt("A1", "customer_absent", "2026-05-12 08:00", "2026-05-11 11:00"),
             _appt("A2", "completed", "2026-05-18 08:00", "2026-05-15 10:00")]
    [pause] = ticket_pauses(appts)
    assert (pause.start, pause.end) == (ldn("2026-05-12 08:00"), ldn("2026-05-15 10:00"))


def test_customer_absence_without_a_new_booking_stops_the_clock_for_good():
    [pause] = ticket_pauses([_appt("A1", "customer_absent", "2026-05-12 08:00",
                                   "2026-05-11 11:00")])
    assert pause.end is None


def test_later_slot_pause_only_with_the_optional_field():
    """earliest_offered_at Tue 08:00, chosen Mon 08:00: paused in between; absent: no pause."""
    chosen = _appt("A1", "completed", "2026-05-18 08:00", "2026-05-11 11:00",
                   earliest_offered_at=ldn("2026-05-12 08:00"))
    [pause] = ticket_pauses([chosen])
    assert (pause.start, pause.end) == (ldn("2026-05-12 08:00"), ldn("2026-05-18 08:00"))
    assert ticket_pauses([_appt("A1", "completed", "2026-05-18 08:00", "2026-05-11 11:00")]) == ()
