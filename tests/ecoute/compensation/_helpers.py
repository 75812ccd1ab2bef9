"""Tiny builders so each test states its case in local wall-clock time, as a person would."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ecoute.compensation import (
    AppointmentIncident,
    Owed,
    Pause,
    TicketIncident,
    compute,
    load_pack,
)

BXL = ZoneInfo("Europe/Brussels")
LDN = ZoneInfo("Europe/London")


def bxl(text: str) -> datetime:
    """'2026-03-02 09:00' in Brussels local time."""
    return datetime.fromisoformat(text).replace(tzinfo=BXL)


def ldn(text: str) -> datetime:
    """'2026-03-02 09:00' in London local time."""
    return datetime.fromisoformat(text).replace(tzinfo=LDN)


def ticket(
    opened_at: datetime,
    restored_at: datetime | None,
    *,
    service_loss: str | None = "total",
    root_cause: str | None = None,
    fee: str | None = None,
    outage_started_at: datetime | None = None,
    pauses: tuple[Pause, ...] = (),
) -> TicketIncident:
    """A fault ticket of customer C1."""
    return TicketIncident(
        ticket_id="T1",
        customer_id="C1",
        opened_at=opened_at,
        restored_at=restored_at,
        service_loss=service_loss,
        root_cause=root_cause,
        category="internet",
        monthly_fee=Decimal(fee) if fee is not None else None,
        outage_started_at=outage_started_at,
        pauses=pauses,
    )


def appointment(
    window_start: datetime,
    window_end: datetime,
    status: str,
    *,
    cancelled_at: datetime | None = None,
    notified_at: datetime | None = None,
    arrived_at: datetime | None = None,
) -> AppointmentIncident:
    """An appointment A1 of customer C1."""
    return AppointmentIncident(
        appointment_id="A1",
        customer_id="C1",
        window_start=window_start,
        window_end=window_end,
        status=status,
        cancelled_at=cancelled_at,
        customer_notified_at=notified_at,
        arrived_at=arrived_at,
    )


def owed(pack: str, *incidents, **kwargs) -> list[Owed]:
    """compute() with a built-in pack."""
    return compute(list(incidents), load_pack(pack), **kwargs)


def total(pack: str, *incidents, **kwargs) -> Decimal:
    """The sum owed; Decimal('0') when nothing is."""
    return sum((o.amount for o in owed(pack, *incidents, **kwargs)), Decimal("0"))
