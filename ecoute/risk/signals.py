"""The service signals of a customer's last weeks, and each as a reason (a code and a value).

Pure: no I/O. The names are the columns of ``core.dim_customers__risk_features``
(``new_customer`` and ``monthly_fee_per_100_eur`` are derived here from tenure and fee).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
CONTEXT_CATEGORICAL = ("plan", "segment", "region", "language")
RULE_SIGNALS = (*SERVICE_SIGNALS, "new_customer", "monthly_fee_per_100_eur")


@dataclass(frozen=True)
class Reason:
    """One reason of a score, as data: what (``code``) and how much (``value``: a count, days,
    tenure in days, a fee), or the category a learned reason names (``text``: ``plan`` →
    "fibre"). Words are made when a reader shows it, in the reader's language
    (ecoute.reports.i18n.Lang.reason; the codes are listed in docs/churn.md)."""

    code: str
    value: float | None = None
    text: str | None = None


# Features said with another's code: a recency-weighted count is said as the count it weighs,
# tenure and fee however they entered the score.
_CODE_OF = {
    "dropped_without_callback_decayed": "dropped_without_callback",
    "long_repairs_decayed": "long_repairs",
    "abandoned_calls_decayed": "abandoned_calls",
    "contacts_decayed": "contacts",
    "new_customer": "tenure",
    "tenure_days": "tenure",
    "monthly_fee_per_100_eur": "monthly_fee",
    "monthly_fee": "monthly_fee",
}
# Where the value of those codes is read from the row (not the feature's own value).
_VALUE_FROM = {"tenure": "tenure_days", "monthly_fee": "monthly_fee"}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def reason(name: str, value: Any, row: Mapping[str, Any]) -> Reason:
    """One feature of one customer as a reason: ``repeat_contacts`` with 4, ``tenure`` with
    the days a customer has been one (None: unknown)."""
    if name == "missed_visits_decayed":
        both = (float(row.get("missed_visits_unannounced") or 0)
                + float(row.get("missed_visits_announced") or 0))  # fmt: skip
        return Reason("missed_visits", both)
    code = _CODE_OF.get(name, name)
    if code in _VALUE_FROM:
        return Reason(code, _number(row.get(_VALUE_FROM[code])))
    if code != name:
        return Reason(code, float(row.get(code) or 0))
    return Reason(code, _number(value))


def category(name: str, value: Any) -> Reason:
    """A categorical feature or declared extra attribute as a reason (``plan`` = "fibre")."""
    return Reason(name, None, None if value is None else str(value))


@dataclass(frozen=True)
class RuleInput:
    """How the rules mode reads one signal from a feature row: the ``column``'s value (0 when
    missing) at most ``constant`` (``op`` "cap"); 1 when it is known and below ``constant``,
    else 0 ("below"); or divided by ``constant`` ("per"). The one definition of the inputs:
    ``rule_inputs`` applies it here, the build writes it as SQL (warehouse/python/risk_rules.py)."""

    name: str
    column: str
    op: str
    constant: float


DAY_SIGNALS = ("open_repair_days", "days_without_service")
RULE_INPUTS = (
    *(RuleInput(n, n, "cap", DAY_CAP if n in DAY_SIGNALS else COUNT_CAP) for n in SERVICE_SIGNALS),
    RuleInput("new_customer", "tenure_days", "below", NEW_CUSTOMER_DAYS),
    RuleInput("monthly_fee_per_100_eur", "monthly_fee", "per", 100.0),
)


def rule_input(spec: RuleInput, value: Any) -> float:
    """One signal's input from its column's value."""
    if spec.op == "cap":
        return min(float(value or 0), spec.constant)
    if spec.op == "below":
        return float(value is not None and value < spec.constant)
    return float(value or 0) / spec.constant


def rule_inputs(row: Mapping[str, Any]) -> dict[str, float]:
    """The rules mode's signals for one feature row: counts, capped days, derived flags."""
    return {s.name: rule_input(s, row.get(s.column)) for s in RULE_INPUTS}


def rule_reason(name: str) -> tuple[str, str]:
    """The code a rules signal is said with and the column its value is read from, as
    ``reason`` says it (``new_customer`` → ``tenure``, from ``tenure_days``)."""
    code = _CODE_OF.get(name, name)
    return code, _VALUE_FROM.get(code, name)
