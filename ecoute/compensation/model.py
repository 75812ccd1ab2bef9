"""The engine's inputs (incidents) and outputs (amounts owed), as plain frozen dataclasses.

Incidents are already normalised from the warehouse: the engine never reads a table, a file
or the clock, so a test can state a case in a few lines and a person can check it by hand.
All instants are timezone-aware; the engine converts them to the pack's local time itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

IncidentKind = Literal["ticket", "appointment", "activation"]


@dataclass(frozen=True)
class Pause:
    """A stretch of time during which a repair clock does not run, and why.

    `end` None means the clock stays stopped until the incident ends.
    """

    start: datetime
    end: datetime | None
    reason: str


@dataclass(frozen=True)
class TicketIncident:
    """A trouble ticket as a repair/outage rule needs it.

    `restored_at` falls back to resolved_at upstream; None means the service is still down.
    `outage_started_at` is the start of the linked network outage, if the operator recorded one.
    `pauses` come from the ticket's appointments (customer absent, later slot chosen).
    """

    ticket_id: str
    customer_id: str
    opened_at: datetime
    restored_at: datetime | None
    service_loss: str | None
    root_cause: str | None = None
    category: str | None = None
    monthly_fee: Decimal | None = None
    outage_started_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    kind: IncidentKind = field(default="ticket", init=False)

    @property
    def incident_id(self) -> str:
        return self.ticket_id


@dataclass(frozen=True)
class AppointmentIncident:
    """A technician visit promised to the customer, with what happened to it."""

    appointment_id: str
    customer_id: str
    window_start: datetime
    window_end: datetime
    status: str
    cancelled_at: datetime | None = None
    customer_notified_at: datetime | None = None
    arrived_at: datetime | None = None
    ticket_id: str | None = None
    kind: IncidentKind = field(default="appointment", init=False)

    @property
    def incident_id(self) -> str:
        return self.appointment_id


@dataclass(frozen=True)
class ActivationIncident:
    """A new service promised to start on `promised_date` (local) and `activated_at`, if yet.

    The data contract v1 has no activation entity; this is fed from the optional
    `staging.stg_activations` table (see docs/compensation.md).
    """

    activation_id: str
    customer_id: str
    promised_date: date
    activated_at: datetime | None
    kind: IncidentKind = field(default="activation", init=False)

    @property
    def incident_id(self) -> str:
        return self.activation_id


Incident = TicketIncident | AppointmentIncident | ActivationIncident


def code(value: str | None) -> str | None:
    """One spelling for an enum-like value: "In-home wiring" -> "in_home_wiring"; blank -> None.

    Exports spell root causes many ways; packs and tickets are compared in this form.
    """
    if value is None or not str(value).strip():
        return None
    return "_".join(str(value).strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class Owed:
    """What one rule of a pack says is owed for one incident, with its reasons.

    `trace` says it in words for an agent or a customer; `trace_data` says the same as
    structured data (events, days counted, rate and its effective date) for an auditor.
    An amount of zero only appears when nil results were asked for: it explains a refusal.
    `as_of` is the cut-off a still-running incident was valued to; None once it had ended
    (the amount is final whatever the cut-off).
    """

    customer_id: str
    incident_id: str
    incident_kind: IncidentKind
    rule: str
    pack: str
    amount: Decimal
    currency: str
    accrued_date: date | None
    trace: str
    trace_data: dict[str, Any]
    as_of: datetime | None = None
