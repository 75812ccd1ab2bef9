"""The generic rule kinds a pack can use, each parameterised by the pack's YAML.

A kind turns one incident into an `Outcome`: an amount, the date it first became due, and the
reasons in words and as data. Kinds know nothing of any country or law: thresholds, working
days and rates all come from the rule. Exclusions shared by a pack's ticket rules are applied
by the engine before a kind is called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ecoute.compensation import calendar as cal
from ecoute.compensation.model import (
    ActivationIncident,
    AppointmentIncident,
    Incident,
    TicketIncident,
)

if TYPE_CHECKING:  # packs imports this module to validate kinds; avoid a cycle at run time
    from ecoute.compensation.packs import Pack, Rule

ZERO = Decimal("0")
DAY = timedelta(hours=24)
SYMBOLS = {"EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class Context:
    """What every rule needs besides the incident: the pack, local time, and the cut-off."""

    pack: Pack
    tz: ZoneInfo
    as_of: datetime | None


@dataclass(frozen=True)
class Outcome:
    """A kind's verdict. Amount zero means nothing is owed, and `text` says why."""

    amount: Decimal
    accrued_date: date | None
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def nil(reason: str, **data: Any) -> Outcome:
    """Nothing owed, with the reason in words and as data."""
    return Outcome(ZERO, None, reason, {"reason": reason, **data})


def money(amount: Decimal, currency: str) -> str:
    """`€1.50`, `£10.34`; the ISO code for currencies without a symbol here."""
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount:.2f}" if symbol else f"{amount:.2f} {currency}"


def stamp(instant: datetime, tz: ZoneInfo) -> str:
    """An instant in local time, minute precision, for traces a person reads."""
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def incident_end(
    restored_at: datetime | None, ctx: Context, event: str = "restored"
) -> tuple[datetime, str] | None:
    """When the incident stops counting: its end if known by `as_of`, else `as_of`.

    None when it is still running and no `as_of` was given: the engine never reads the clock.
    """
    if restored_at is not None and (ctx.as_of is None or restored_at <= ctx.as_of):
        return restored_at, event
    if ctx.as_of is not None:
        return ctx.as_of, f"not {event} as of"
    return None


# --- outage_tiered ---------------------------------------------------------------------------

def outage_tiered(incident: Incident, rule: Rule, ctx: Context) -> Outcome:
    """Tiered amounts per started 24-hour period of a total outage, with a fee-based floor.

    Period 1 earns `first_day` once the outage lasts more than `threshold_hours`; period 2
    earns `second_day`; every further started period earns `further_day`. Each period earns
    at least monthly_fee / `fee_divisor` when that is higher. Each period takes the rate in
    force on the local date it became due.
    """
    assert isinstance(incident, TicketIncident)
    start, start_basis = _clock_start(incident, rule)
    ended = incident_end(incident.restored_at, ctx)
    if ended is None:
        return nil("still down and no as_of given: nothing computed yet")
    end, end_basis = ended
    threshold = timedelta(hours=float(rule.params["threshold_hours"]))
    duration = end - start
    hours = duration / timedelta(hours=1)
    span = f"from {stamp(start, ctx.tz)} ({start_basis}) to {stamp(end, ctx.tz)} ({end_basis})"
    if duration <= threshold:
        return nil(f"total outage {span} lasted {hours:.2f} h, not more than "
                   f"{rule.params['threshold_hours']} h", duration_h=round(hours, 4))
    periods = [_outage_period(n, start, threshold, incident.monthly_fee, rule, ctx)
               for n in range(1, -(-duration // DAY) + 1)]
    counted = [p for p in periods if "amount" in p]
    # Each period's exact amount (its trace shows the floor to four decimals): the total is
    # exact and rounded once.
    exact = [_period_amount(p, incident.monthly_fee, rule) for p in counted]
    total = sum(exact, ZERO)
    words = "; ".join(p["words"] for p in periods)
    text = (f"Total outage {span}: {hours:.2f} h, {len(periods)} started 24-hour period(s). "
            f"{words}. Total {money(total, ctx.pack.currency)}.")
    data = {"start": start.isoformat(), "start_basis": start_basis, "end": end.isoformat(),
            "end_basis": end_basis, "duration_h": round(hours, 4),
            "monthly_fee": _str(incident.monthly_fee), "periods": periods}
    accrued = date.fromisoformat(counted[0]["accrual_date"]) if counted else None
    return Outcome(total, accrued, text, data)


def _clock_start(incident: TicketIncident, rule: Rule) -> tuple[datetime, str]:
    # The operator cannot ignore an outage it recorded itself: with `earliest_known` the
    # clock starts at the outage's start when that precedes the customer's report.
    outage = incident.outage_started_at
    if rule.params["clock_starts"] == "earliest_known" and outage and outage < incident.opened_at:
        return outage, "network outage started"
    return incident.opened_at, "reported"


def _outage_period(
    n: int, start: datetime, threshold: timedelta, fee: Decimal | None, rule: Rule, ctx: Context
) -> dict[str, Any]:
    due_at = start + (threshold if n == 1 else (n - 1) * DAY)
    day = cal.local_date(due_at, ctx.tz)
    base = {"period": n, "due_at": due_at.isoformat(), "accrual_date": day.isoformat()}
    rate = rule.rate_on(day)
    if rate is None:
        return {**base, "words": f"period {n} due {day}: scheme not yet in force"}
    key = "first_day" if n == 1 else "second_day" if n == 2 else "further_day"
    flat = rate.values[key]
    floor = fee / rate.values["fee_divisor"] if fee is not None else None
    amount = max(flat, floor) if floor is not None else flat
    cur = ctx.pack.currency
    floor_words = (f"1/{rate.values['fee_divisor']} of fee {money(fee, cur)} = "
                   f"{money(floor, cur)}" if floor is not None and fee is not None
                   else "no monthly fee known")
    words = (f"period {n} due {day}: max({money(flat, cur)} flat, {floor_words}) = "
             f"{money(amount, cur)} (rate from {rate.effective_from})")
    # The exact floor (fee / 30 = 1.666…) is shown to four decimals; the total stays exact.
    shown = _four(floor)
    return {**base, "flat": str(flat), "floor": shown,
            "amount": shown if floor is not None and floor > flat else str(flat),
            "rate_from": rate.effective_from.isoformat(), "words": words}


def _period_amount(period: dict[str, Any], fee: Decimal | None, rule: Rule) -> Decimal:
    flat = Decimal(period["flat"])
    rate = rule.rate_on(date.fromisoformat(period["accrual_date"]))
    assert rate is not None  # a counted period has a rate
    floor = fee / rate.values["fee_divisor"] if fee is not None else None
    return max(flat, floor) if floor is not None else flat


def _four(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001"), ROUND_HALF_EVEN))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- per_day_after_working_days --------------------------------------------------------------

def per_day_after_working_days(incident: Incident, rule: Rule, ctx: Context) -> Outcome:
    """A rate per calendar day still unrepaired after the end of the Nth full working day.

    Working days are counted from the day after the report; a working day counts only if the
    clock ran all of it. A calendar day after that earns the rate in force on that day if the
    clock ran during any part of it. Pauses (customer absent, later slot chosen) stop the clock.
    """
    assert isinstance(incident, TicketIncident)
    ended = incident_end(incident.restored_at, ctx)
    if ended is None:
        return nil("still unrepaired and no as_of given: nothing computed yet")
    start, end, end_basis = incident.opened_at, ended[0], ended[1]
    holes = [(p.start, p.end or end) for p in incident.pauses]
    running = cal.subtract((start, end), holes)
    needed = int(rule.params["working_days"])
    allowance, earned, skipped = [], [], []
    day = cal.local_date(start, ctx.tz) + timedelta(days=1)
    while cal.day_bounds(day, ctx.tz)[0] < end:
        bounds = cal.day_bounds(day, ctx.tz)
        ran = sum((cal.overlap(bounds, part) for part in running), timedelta(0))
        if len(allowance) < needed:
            _count_allowance(day, bounds, ran, ctx, allowance, skipped)
        elif ran > timedelta(0):
            earned.append(_earned_day(day, rule))
        else:
            skipped.append({"date": day.isoformat(), "why": "clock stopped all day"})
        day += timedelta(days=1)
    return _per_day_outcome(incident, rule, ctx, start, (end, end_basis), allowance, earned,
                            skipped, needed)


def _count_allowance(day: date, bounds: cal.Interval, ran: timedelta, ctx: Context,
                     allowance: list[str], skipped: list[dict[str, str]]) -> None:
    holiday = cal.holiday_name(day, ctx.pack.country, ctx.pack.subdivision)
    if day.weekday() >= 5:
        skipped.append({"date": day.isoformat(), "why": "weekend"})
    elif holiday:
        skipped.append({"date": day.isoformat(), "why": f"public holiday: {holiday}"})
    elif ran == timedelta(0):
        skipped.append({"date": day.isoformat(), "why": "clock stopped all day"})
    elif ran < bounds[1] - bounds[0]:
        skipped.append({"date": day.isoformat(), "why": "clock stopped part of the day"})
    else:
        allowance.append(day.isoformat())


def _earned_day(day: date, rule: Rule) -> dict[str, str | None]:
    rate = rule.rate_on(day)
    if rate is None:
        return {"date": day.isoformat(), "amount": None, "rate_from": None}
    return {"date": day.isoformat(), "amount": str(rate.values["per_day"]),
            "rate_from": rate.effective_from.isoformat()}


def _per_day_outcome(
    incident: TicketIncident, rule: Rule, ctx: Context, start: datetime,
    ended: tuple[datetime, str], allowance: list[str], earned: list[dict[str, Any]],
    skipped: list[dict[str, str]], needed: int,
) -> Outcome:
    cur = ctx.pack.currency
    paid_days = [d for d in earned if d["amount"] is not None]
    total = sum((Decimal(d["amount"]) for d in paid_days), ZERO)
    pauses = [{"start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None,
               "reason": p.reason} for p in incident.pauses]
    data = {"reported": start.isoformat(), "end": ended[0].isoformat(), "end_basis": ended[1],
            "working_days_counted": allowance, "days_skipped": skipped, "days_owed": earned,
            "pauses": pauses}
    head = (f"Reported {stamp(start, ctx.tz)}, {ended[1]} {stamp(ended[0], ctx.tz)} "
            f"({ctx.tz.key}). Full working days counted: {', '.join(allowance) or 'none'}")
    if skipped:
        head += "; not counted: " + ", ".join(f"{s['date']} ({s['why']})" for s in skipped)
    if pauses:
        head += "; clock stopped: " + ", ".join(
            f"{p.reason} from {stamp(p.start, ctx.tz)} to "
            f"{stamp(p.end, ctx.tz) if p.end else 'the end'}" for p in incident.pauses)
    if len(allowance) < needed or not paid_days:
        return Outcome(ZERO, None, f"{head}. Repaired within {needed} full working days: "
                       "nothing owed.", data)
    days = ", ".join(f"{d['date']} {money(Decimal(d['amount']), cur)} (rate from "
                     f"{d['rate_from']})" for d in paid_days)
    text = f"{head}. Days owed: {days}. Total {money(total, cur)}."
    return Outcome(total, date.fromisoformat(paid_days[0]["date"]), text, data)


# --- per_event -------------------------------------------------------------------------------

def per_event(incident: Incident, rule: Rule, ctx: Context) -> Outcome:
    """A fixed amount each time `params.event` happened; the rate is the one in force that day.

    The only event so far is `missed_appointment`, defined as metrics.md's missed visit.
    """
    assert isinstance(incident, AppointmentIncident)
    event = rule.params["event"]
    if event != "missed_appointment":
        raise ValueError(f"rule {rule.name}: unknown event {event!r}")
    if ctx.as_of is not None and incident.window_start > ctx.as_of:
        return nil("appointment window not reached as of the cut-off")
    why = _missed_reason(incident, rule, ctx)
    window = f"{stamp(incident.window_start, ctx.tz)}–{stamp(incident.window_end, ctx.tz)}"
    data: dict[str, Any] = {"window_start": incident.window_start.isoformat(),
                            "window_end": incident.window_end.isoformat(),
                            "status": incident.status}
    if why is None:
        return nil(f"appointment {window} ({incident.status}) was not missed by the operator",
                   **data)
    day = cal.local_date(incident.window_start, ctx.tz)
    rate = rule.rate_on(day)
    if rate is None:
        return nil(f"appointment on {day}: scheme not yet in force", **data)
    amount = rate.values["amount"]
    text = (f"Missed appointment {window} ({ctx.tz.key}): {why}. "
            f"{money(amount, ctx.pack.currency)} (rate from {rate.effective_from}).")
    data |= {"why": why, "accrual_date": day.isoformat(), "amount": str(amount),
             "rate_from": rate.effective_from.isoformat()}
    return Outcome(amount, day, text, data)


def _missed_reason(appt: AppointmentIncident, rule: Rule, ctx: Context) -> str | None:
    """Why the operator missed the visit, or None if it did not."""
    if appt.status == "no_show":
        return "the technician did not come (no-show)"
    if appt.status == "cancelled_by_operator":
        return _late_cancel_reason(appt, float(rule.params["late_cancel_h"]), ctx)
    late = appt.arrived_at is not None and appt.arrived_at > appt.window_end
    if late and rule.params["late_arrival_is_missed"]:
        return f"the technician arrived after the window, at {stamp(appt.arrived_at, ctx.tz)}"
    return None


def _late_cancel_reason(appt: AppointmentIncident, min_notice_h: float, ctx: Context) -> str | None:
    # Notice is when the customer was told; without a recorded notification we take the
    # cancellation time, as metrics.md's missed_visit_rate does.
    notice_at = appt.customer_notified_at or appt.cancelled_at
    if notice_at is None:
        return "cancelled by the operator, with no cancellation or notification time recorded"
    notice_h = (appt.window_start - notice_at) / timedelta(hours=1)
    if notice_h >= min_notice_h:
        return None
    basis = "customer told" if appt.customer_notified_at else "cancelled"
    return (f"cancelled by the operator with {notice_h:.1f} h notice ({basis} "
            f"{stamp(notice_at, ctx.tz)}), less than {min_notice_h:g} h")


# --- per_day_late_activation -----------------------------------------------------------------

def per_day_late_activation(incident: Incident, rule: Rule, ctx: Context) -> Outcome:
    """A rate per calendar day after the promised date on which the service was not yet active.

    A day counts if the service was still inactive at its start (local midnight): activation
    at 10:00 two days after the promised date means two days late.
    """
    assert isinstance(incident, ActivationIncident)
    ended = incident_end(incident.activated_at, ctx, event="activated")
    if ended is None:
        return nil("not activated and no as_of given: nothing computed yet")
    end, end_basis = ended
    days, day = [], incident.promised_date + timedelta(days=1)
    while cal.day_bounds(day, ctx.tz)[0] < end:
        days.append(_earned_day(day, rule))
        day += timedelta(days=1)
    data = {"promised_date": incident.promised_date.isoformat(), "end": end.isoformat(),
            "end_basis": end_basis, "days_owed": days}
    paid = [d for d in days if d["amount"] is not None]
    head = f"Promised for {incident.promised_date}, {end_basis} {stamp(end, ctx.tz)}"
    if not paid:
        return Outcome(ZERO, None, f"{head}: not late, nothing owed.", data)
    total = sum((Decimal(d["amount"]) for d in paid), ZERO)
    cur = ctx.pack.currency
    listed = ", ".join(f"{d['date']} {money(Decimal(d['amount']), cur)} (rate from "
                       f"{d['rate_from']})" for d in paid)
    text = f"{head}: {len(paid)} day(s) late: {listed}. Total {money(total, cur)}."
    return Outcome(total, date.fromisoformat(paid[0]["date"]), text, data)


# --- registry --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleKind:
    """A generic rule: what it applies to, which rate values and parameters it reads."""

    name: str
    applies_to: str
    rate_keys: tuple[str, ...]
    default_params: Mapping[str, Any]
    apply: Callable[[Incident, Rule, Context], Outcome]
    # SQL predicate over the staging rows of `applies_to`: a row outside it can never owe
    # anything under this kind, so it is not read into Python at all (in the demo, 1 in 6
    # appointments is a candidate for per_event).
    candidates: str = "true"


KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        RuleKind("outage_tiered", "ticket",
                 ("first_day", "second_day", "further_day", "fee_divisor"),
                 {"threshold_hours": 8, "clock_starts": "reported"}, outage_tiered),
        RuleKind("per_day_after_working_days", "ticket", ("per_day",),
                 {"working_days": 2}, per_day_after_working_days),
        RuleKind("per_event", "appointment", ("amount",),
                 {"event": "missed_appointment", "late_cancel_h": 24,
                  "late_arrival_is_missed": True}, per_event,
                 # as _missed_reason: no-show, operator cancellation, or late arrival
                 "status in ('no_show', 'cancelled_by_operator') or arrived_at > window_end"),
        RuleKind("per_day_late_activation", "activation", ("per_day",), {},
                 per_day_late_activation),
    )
}
