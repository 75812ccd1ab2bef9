"""Staging rows (as dicts) to engine incidents: pure, so each mapping choice is testable.

The choices made here are part of the rules' meaning and are documented in
docs/compensation.md: restored_at falls back to resolved_at, cancelled tickets are not
incidents, and a ticket's appointments pause its repair clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ecoute.compensation.model import (
    ActivationIncident,
    AppointmentIncident,
    Pause,
    TicketIncident,
)

Row = Mapping[str, Any]


def ticket_incidents(
    tickets: Iterable[Row],
    appointments: Iterable[Row] = (),
    monthly_fees: Mapping[str, Decimal | None] | None = None,
    outage_starts: Mapping[str, datetime | None] | None = None,
) -> list[TicketIncident]:
    """One TicketIncident per ticket that is not cancelled, with fee, outage start and pauses."""
    fees = monthly_fees or {}
    outages = outage_starts or {}
    by_ticket: dict[str, list[Row]] = defaultdict(list)
    for appt in appointments:
        if appt.get("ticket_id"):
            by_ticket[str(appt["ticket_id"])].append(appt)
    return [
        TicketIncident(
            ticket_id=str(t["ticket_id"]),
            customer_id=str(t["customer_id"]),
            opened_at=t["opened_at"],
            # A ticket resolved without a restore time was working again by then at the latest.
            restored_at=t.get("restored_at") or t.get("resolved_at"),
            service_loss=t.get("service_loss"),
            root_cause=t.get("root_cause"),
            category=t.get("category"),
            monthly_fee=fees.get(str(t["customer_id"])),
            outage_started_at=outages.get(str(t["outage_id"])) if t.get("outage_id") else None,
            pauses=ticket_pauses(by_ticket.get(str(t["ticket_id"]), [])),
        )
        for t in tickets
        if t.get("status") != "cancelled"
    ]


def ticket_pauses(appointments: Iterable[Row]) -> tuple[Pause, ...]:
    """When a ticket's repair clock stands still because of the customer.

    - customer absent: from the window's start until a new appointment is booked (the
      booked_at of the next appointment booked after it), else for good;
    - later slot chosen: from the earliest slot offered (optional `earliest_offered_at`)
      to the start of the chosen window. Without that field there is no such pause.
    """
    appts = sorted(appointments, key=lambda a: a["window_start"])
    pauses = []
    for appt in appts:
        if appt.get("status") == "customer_absent":
            pauses.append(_absence_pause(appt, appts))
        offered = appt.get("earliest_offered_at")
        if offered is not None and offered < appt["window_start"]:
            why = f"customer chose a later slot (appointment {appt['appointment_id']})"
            pauses.append(Pause(offered, appt["window_start"], why))
    return tuple(pauses)


def _absence_pause(missed: Row, appts: list[Row]) -> Pause:
    after = missed["window_start"]
    rebooked = [a["booked_at"] for a in appts
                if a is not missed and a.get("booked_at") and a["booked_at"] >= after]
    return Pause(missed["window_start"], min(rebooked) if rebooked else None,
                 f"customer absent (appointment {missed['appointment_id']})")


def appointment_incidents(appointments: Iterable[Row]) -> list[AppointmentIncident]:
    """One AppointmentIncident per appointment row."""
    return [
        AppointmentIncident(
            appointment_id=str(a["appointment_id"]),
            customer_id=str(a["customer_id"]),
            window_start=a["window_start"],
            window_end=a["window_end"],
            status=str(a["status"]),
            cancelled_at=a.get("cancelled_at"),
            customer_notified_at=a.get("customer_notified_at"),
            arrived_at=a.get("arrived_at"),
            ticket_id=str(a["ticket_id"]) if a.get("ticket_id") else None,
        )
        for a in appointments
    ]


def activation_incidents(activations: Iterable[Row]) -> list[ActivationIncident]:
    """One ActivationIncident per row of the optional activations table."""
    return [
        ActivationIncident(
            activation_id=str(a["activation_id"]),
            customer_id=str(a["customer_id"]),
            promised_date=_as_date(a["promised_date"]),
            activated_at=a.get("activated_at"),
        )
        for a in activations
    ]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
