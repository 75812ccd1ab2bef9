"""The pure compensation engine: incidents and a pack in, amounts owed out.

No I/O and no clock: an incident still running is valued as of `as_of`, which the caller
passes; without it, running incidents are left out rather than valued against "now".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from ecoute.compensation.calendar import in_utc
from ecoute.compensation.model import (
    ActivationIncident,
    Incident,
    Owed,
    Pause,
    TicketIncident,
    code,
)
from ecoute.compensation.packs import Pack, Rule
from ecoute.compensation.rules import KINDS, ZERO, Context, Outcome, nil

CENT = Decimal("0.01")


def compute(
    incidents: Sequence[Incident],
    pack: Pack,
    *,
    tz: str | None = None,
    as_of: datetime | None = None,
    include_nil: bool = False,
) -> list[Owed]:
    """What `pack` says is owed for each incident, one Owed per incident and applicable rule.

    `tz` is the local time zone for calendar and working days (default: the pack's).
    With `include_nil`, incidents a rule looked at but owes nothing for are returned too,
    amount zero, with the reason: that is how an agent answers "why nothing?".
    """
    ctx = Context(pack=pack, tz=ZoneInfo(tz or pack.timezone),
                  as_of=in_utc(as_of) if as_of else None)
    owed = []
    for incident in map(_in_utc, incidents):
        for rule in pack.rules:
            if rule.applies_to != incident.kind:
                continue
            result = _apply(incident, rule, ctx)
            if include_nil or result.amount > ZERO:
                owed.append(_owed(incident, rule, ctx, result))
    return owed


def _apply(incident: Incident, rule: Rule, ctx: Context) -> Outcome:
    if isinstance(incident, TicketIncident):
        excluded = exclusion_reason(incident, ctx.pack)
        if excluded:
            return nil(f"excluded: {excluded}")
        if ctx.as_of is not None and incident.opened_at > ctx.as_of:
            return nil("reported after the cut-off")
    return KINDS[rule.kind].apply(incident, rule, ctx)


def _in_utc(incident: Incident) -> Incident:
    # Rules do arithmetic on instants; on the UTC clock that arithmetic is elapsed time
    # even across a DST change (same-tzinfo datetimes subtract by wall clock in Python).
    changes: dict[str, object] = {
        f.name: in_utc(value) for f in fields(incident)
        if isinstance(value := getattr(incident, f.name), datetime)
    }
    if isinstance(incident, TicketIncident):
        changes["pauses"] = tuple(
            Pause(in_utc(p.start), in_utc(p.end) if p.end else None, p.reason)
            for p in incident.pauses
        )
    return replace(incident, **changes)


def exclusion_reason(ticket: TicketIncident, pack: Pack) -> str | None:
    """Why the pack does not cover this ticket at all, or None if it does.

    Only a recorded total loss of service qualifies: partial or no loss is degraded service,
    and an unrecorded loss cannot be shown to be total.
    """
    ex = pack.exclusions
    loss = code(ticket.service_loss)
    if loss is None:
        return "service loss not recorded, so not shown to be total"
    if loss in ex.service_loss:
        return f"degraded service (service_loss = {loss})"
    if loss != "total":
        return f"service_loss = {loss} is not a total loss"
    cause = code(ticket.root_cause)
    if cause in ex.root_causes:
        return f"root cause {cause}"
    category = code(ticket.category)
    if category in ex.categories:
        return f"category {category} is not a service fault"
    return None


def still_running(incident: Incident, as_of: datetime | None) -> bool:
    """Whether the incident had not ended by `as_of`, so its amount grows with the cut-off.

    An ended incident (restored, activated, or an appointment, which is one event) is valued
    the same for any later cut-off: its row is final and does not carry the cut-off, so it
    stays unchanged while the data's horizon moves on (docs/incremental.md).
    """
    if as_of is None:
        return False
    if isinstance(incident, TicketIncident):
        return incident.restored_at is None or incident.restored_at > as_of
    if isinstance(incident, ActivationIncident):
        return incident.activated_at is None or incident.activated_at > as_of
    return False


def _owed(incident: Incident, rule: Rule, ctx: Context, result: Outcome) -> Owed:
    amount = result.amount.quantize(CENT, rounding=ROUND_HALF_UP)
    as_of = ctx.as_of if still_running(incident, ctx.as_of) else None
    data = {
        "pack": ctx.pack.name,
        "rule": rule.name,
        "kind": rule.kind,
        "incident_kind": incident.kind,
        "incident_id": incident.incident_id,
        "timezone": ctx.tz.key,
        "as_of": as_of.isoformat() if as_of else None,
        "amount": str(amount),
        "currency": ctx.pack.currency,
        **result.data,
    }
    text = f"{ctx.pack.name}/{rule.name} for {incident.kind} {incident.incident_id}: {result.text}"
    return Owed(
        customer_id=incident.customer_id,
        incident_id=incident.incident_id,
        incident_kind=incident.kind,
        rule=rule.name,
        pack=ctx.pack.name,
        amount=amount,
        currency=ctx.pack.currency,
        accrued_date=result.accrued_date,
        trace=text,
        trace_data=data,
        as_of=as_of,
    )
