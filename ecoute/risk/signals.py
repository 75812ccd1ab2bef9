"""The service signals of a customer's last weeks and how to say each in plain words.

Pure: no I/O. The names are the columns of ``core.dim_customers__risk_features``
(``new_customer`` and ``monthly_fee_per_100_eur`` are derived here from tenure and fee).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# In the rules score, days (open_repair_days, days_without_service) stop adding at DAY_CAP
# and counts at COUNT_CAP: a 40th repeat contact says little more than a 5th.
DAY_CAP = 30.0
COUNT_CAP = 5.0
NEW_CUSTOMER_DAYS = 365

# Service signals: counts (or days) over the risk window, 0 when nothing happened.
SERVICE_SIGNALS = (
    "dropped_without_callback",
    "missed_visits_unannounced",
    "missed_visits_announced",
    "open_repair_days",
    "days_without_service",
    "restore_targets_missed",
    "long_repairs",
    "repeat_contacts",
    "unlogged_calls",
    "abandoned_calls",
    "churn_threat_messages",
    "ombudsman_threat_messages",
    "compensation_request_messages",
)
# Other numeric features the learned model sees (never a reason on their own except tenure/fee).
CONTEXT_NUMERIC = (
    "tenure_days",
    "monthly_fee",
    "contacts",
    "tickets_opened",
    "complaint_messages",
    "days_since_last_failure",
    "dropped_without_callback_recent",
    "missed_visits_recent",
    "long_repairs_recent",
    "abandoned_calls_recent",
    "contacts_recent",
    "dropped_without_callback_decayed",
    "missed_visits_decayed",
    "long_repairs_decayed",
    "abandoned_calls_decayed",
    "contacts_decayed",
    "max_calls_per_ticket",
)
# A recency-weighted count is said as the plain count it weighs.
_SAID_AS = {
    "dropped_without_callback_decayed": "dropped_without_callback",
    "long_repairs_decayed": "long_repairs",
    "abandoned_calls_decayed": "abandoned_calls",
    "contacts_decayed": "contacts",
}
CONTEXT_CATEGORICAL = ("plan", "segment", "region", "language")
RULE_SIGNALS = (*SERVICE_SIGNALS, "new_customer", "monthly_fee_per_100_eur")


def _n(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _plural(value: float, one: str, many: str) -> str:
    return one if value == 1 else f"{_n(value)} {many}"


_WORDS: dict[str, Callable[[float, Mapping[str, Any]], str]] = {
    "dropped_without_callback": lambda v, _: _plural(
        v, "1 dropped call without callback", "dropped calls without callback"
    ),
    "missed_visits_unannounced": lambda v, _: _plural(
        v, "missed visit, not announced", "missed visits, not announced"
    ),
    "missed_visits_announced": lambda v, _: _plural(
        v, "missed visit (announced)", "missed visits (announced)"
    ),
    "open_repair_days": lambda v, _: f"open repair for {int(v)} day{'s' if int(v) != 1 else ''}",
    "days_without_service": lambda v, _: f"{round(v, 1):g} days without service",
    "restore_targets_missed": lambda v, _: _plural(
        v, "repair later than promised", "repairs later than promised"
    ),
    "long_repairs": lambda v, _: _plural(
        v, "repair that took more than 3 days", "repairs that took more than 3 days"
    ),
    "repeat_contacts": lambda v, _: _plural(v, "1 repeat contact", "repeat contacts"),
    "unlogged_calls": lambda v, _: _plural(v, "1 call not logged", "calls not logged"),
    "abandoned_calls": lambda v, _: _plural(
        v, "1 call abandoned in the queue", "calls abandoned in the queue"
    ),
    "churn_threat_messages": lambda v, _: "mentions switching operator",
    "ombudsman_threat_messages": lambda v, _: "threatens to go to the ombudsman",
    "compensation_request_messages": lambda v, _: "asks for compensation",
    "new_customer": lambda v, row: _tenure_words(row.get("tenure_days")),
    "tenure_days": lambda v, row: _tenure_words(v),
    "monthly_fee_per_100_eur": lambda v, row: _fee_words(row.get("monthly_fee")),
    "monthly_fee": lambda v, row: _fee_words(v),
    "days_since_last_failure": lambda v, _: f"last failure {int(v)} days ago",
    "contacts": lambda v, _: _plural(v, "1 contact", "contacts"),
    "tickets_opened": lambda v, _: _plural(v, "1 ticket", "tickets"),
    "complaint_messages": lambda v, _: _plural(v, "1 written complaint", "written complaints"),
    "dropped_without_callback_recent": lambda v, _: _plural(
        v,
        "1 dropped call without callback in the last 4 weeks",
        "dropped calls without callback in the last 4 weeks",
    ),
    "missed_visits_recent": lambda v, _: _plural(
        v, "missed visit in the last 4 weeks", "missed visits in the last 4 weeks"
    ),
    "long_repairs_recent": lambda v, _: _plural(
        v, "repair over 3 days in the last 4 weeks", "repairs over 3 days in the last 4 weeks"
    ),
    "abandoned_calls_recent": lambda v, _: _plural(
        v, "1 abandoned call in the last 4 weeks", "abandoned calls in the last 4 weeks"
    ),
    "missed_visits_decayed": lambda v, row: _plural(
        float(row.get("missed_visits_unannounced") or 0)
        + float(row.get("missed_visits_announced") or 0),
        "missed visit",
        "missed visits",
    ),
    "max_calls_per_ticket": lambda v, _: f"{int(v)} calls about the same problem",
    "contacts_recent": lambda v, _: _plural(
        v, "1 contact in the last 4 weeks", "contacts in the last 4 weeks"
    ),
}


def _tenure_words(days: Any) -> str:
    if days is None:
        return "tenure unknown"
    months = int(days) // 30
    if months < 1:
        return "customer for less than a month"
    if months < 24:
        return f"customer for {months} month{'s' if months != 1 else ''}"
    return f"customer for {months // 12} years"


def _fee_words(fee: Any) -> str:
    return "monthly fee unknown" if fee is None else f"pays {float(fee):.0f} a month"


def describe(name: str, value: Any, row: Mapping[str, Any]) -> str:
    """One feature of one customer in plain words ("open repair for 16 days")."""
    if name in _SAID_AS:
        name = _SAID_AS[name]
        value = row.get(name) or 0
    if name in _WORDS:
        return _WORDS[name](value, row)
    return f"{name}: {value}"


def rule_inputs(row: Mapping[str, Any]) -> dict[str, float]:
    """The rules mode's signals for one feature row: counts, capped days, derived flags."""
    out = {name: min(float(row.get(name) or 0), COUNT_CAP) for name in SERVICE_SIGNALS}
    for name in ("open_repair_days", "days_without_service"):
        out[name] = min(float(row.get(name) or 0), DAY_CAP)
    tenure = row.get("tenure_days")
    out["new_customer"] = float(tenure is not None and tenure < NEW_CUSTOMER_DAYS)
    fee = row.get("monthly_fee")
    out["monthly_fee_per_100_eur"] = float(fee or 0) / 100.0
    return out
