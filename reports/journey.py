"""One customer's journey, as the retention agent reads it, from ``marts.rpt_customer__journey``.

Events, flags and facts come from the mart; the only thing computed at read time (in SQL) is
what depends on the as-of date: which events had happened, and how many days each service loss
had lasted by then. Flags are what the warehouse knows at its horizon. The mart holds each
event's facts as data (JSON: queue, wait, status…); the ``detail`` line is said here, in the
reader's language (ecoute.reports.i18n.Lang.detail).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal
from ecoute.reports.i18n import EN, Lang

# The as-of instant: end of the as-of local day, else the data's horizon.
_CUTOFF = """
    select coalesce(
        timezone(json_extract_string(tz.value, '$'), ({as_of} + 1)::timestamp),
        json_extract_string(horizon.value, '$')::timestamptz
    ) as as_of_at, json_extract_string(tz.value, '$') as tz
    from marts.rpt_metrics__params as tz, marts.rpt_metrics__params as horizon
    where tz.name = 'timezone' and horizon.name = 'data_horizon_at'
"""

_EVENTS = """
    with cutoff as ({cutoff})
    select strftime(event_at, '%Y-%m-%dT%H:%M:%SZ'),
        strftime(timezone(tz, event_at), '%Y-%m-%d %H:%M'), kind, event_id, flags, facts,
        round(epoch(least(coalesce(service_back_at, as_of_at), as_of_at) - service_lost_from_at)
            / 86400.0, 2),
        intent_evidence
    from marts.rpt_customer__journey, cutoff
    where customer_id = {customer_id} and ({as_of} is null or event_at < as_of_at)
    order by event_at, kind, event_id
"""

# Days without service as of the cutoff: the union of the customer's outages, so two tickets
# open over the same days count them once. In start order, each outage adds only what lies
# after the latest end of the outages before it.
_DAYS = """
    with cutoff as ({cutoff}),
    outages as (
        select service_lost_from_at as lost_from_at,
            least(coalesce(service_back_at, as_of_at), as_of_at) as back_at
        from marts.rpt_customer__journey, cutoff
        where customer_id = {customer_id} and service_lost_from_at < as_of_at
    ),
    edges as (
        select *, max(back_at) over (
            order by lost_from_at, back_at rows between unbounded preceding and 1 preceding
        ) as earlier_back_at
        from outages
    )
    select round(coalesce(sum(greatest(
        epoch(back_at) - epoch(greatest(lost_from_at, coalesce(earlier_back_at, lost_from_at))), 0
    )), 0) / 86400.0, 2)
    from edges
"""


def customer_journey(
    con: duckdb.DuckDBPyConnection, customer_id: str, as_of: dt.date | None = None,
    L: Lang = EN,
) -> dict[str, Any]:
    """``{customer_id, as_of, events: [{at, local_at, kind, id, flags, facts, detail, …}],
    summary}``: ``facts`` as the mart holds them, ``detail`` those facts said in ``L``.

    Ticket events that took service away also carry ``days_without_service`` (so far, as of
    `as_of` or the data's horizon). The summary counts events per kind and per flag, and the
    days without service of all tickets together (overlaps once).
    """
    cutoff = _CUTOFF.format(as_of=literal(as_of))
    sql = _EVENTS.format(cutoff=cutoff, as_of=literal(as_of), customer_id=literal(customer_id))
    rows = con.execute(sql).fetchall()
    events = []
    for at, local_at, kind, event_id, flags, raw, days, evidence in rows:
        facts = json.loads(raw) if raw else {}
        event: dict[str, Any] = {
            "at": at,
            "local_at": local_at,
            "kind": kind,
            "id": event_id,
            "flags": list(flags),
            "facts": facts,
            "detail": L.detail(kind, facts),
        }
        if days is not None:
            event["days_without_service"] = days
        if evidence:
            event["intent_evidence"] = list(evidence)  # phrase, language, method and clause
        events.append(event)
    lost = con.execute(_DAYS.format(cutoff=cutoff, customer_id=literal(customer_id))).fetchone()
    return {
        "customer_id": customer_id,
        "as_of": as_of.isoformat() if as_of else None,
        "events": events,
        "summary": _summary(events, lost[0] if lost else 0.0),
    }


def _summary(events: list[dict[str, Any]], days: float) -> dict[str, Any]:
    """Counts of the events shown, per kind and per flag, and the days without service."""
    kinds: dict[str, int] = {}
    flags: dict[str, int] = {}
    for event in events:
        kinds[event["kind"]] = kinds.get(event["kind"], 0) + 1
        for flag in event["flags"]:
            flags[flag] = flags.get(flag, 0) + 1
    return {
        "events": len(events),
        "by_kind": dict(sorted(kinds.items())),
        "by_flag": dict(sorted(flags.items())),
        "days_without_service": days,
    }
