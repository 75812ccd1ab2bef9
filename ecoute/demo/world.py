"""The demo operator's fixed world: regions, queues, technician teams, rates and planted effects.

Everything an analyst should be able to discover is a named constant here, so docs/demo.md and
the tests can point at it. Numbers are per week unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LANGUAGES = ("fr", "nl", "de", "en")

# name, share of customers, language mix (fr, nl, de, en), technician team codes
REGIONS: tuple[tuple[str, float, tuple[float, float, float, float], str], ...] = (
    ("Brussels-Capital", 0.11, (0.62, 0.14, 0.00, 0.24), "BXL"),
    ("Antwerp", 0.17, (0.02, 0.95, 0.00, 0.03), "ANT"),
    ("East & West Flanders", 0.22, (0.02, 0.96, 0.00, 0.02), "VLA"),
    ("Flemish Brabant & Limburg", 0.17, (0.04, 0.93, 0.00, 0.03), "BRL"),
    ("Hainaut & Walloon Brabant", 0.17, (0.96, 0.02, 0.00, 0.02), "HAI"),
    ("Liège, Namur & Luxembourg", 0.16, (0.86, 0.01, 0.11, 0.02), "LNL"),
)
REGION_NAMES = tuple(r[0] for r in REGIONS)

# name, staffing (1 = staffed to the forecast), share of answered calls logged on a ticket,
# share of calls where the first agent solves a non-fault question
QUEUES: tuple[tuple[str, float, float, float], ...] = (
    ("tech-fr", 1.00, 0.62, 0.70),  # planted: logs few calls on tickets (context loss)
    ("tech-nl", 1.05, 0.86, 0.80),
    ("billing-fr", 1.05, 0.84, 0.80),
    ("billing-nl", 0.84, 0.80, 0.72),  # planted: understaffed (long waits, abandons)
    ("business", 1.15, 0.92, 0.85),
    ("general-de-en", 1.00, 0.80, 0.78),
)
QUEUE_NAMES = tuple(q[0] for q in QUEUES)
Q_TECH_FR, Q_TECH_NL, Q_BILL_FR, Q_BILL_NL, Q_BUSINESS, Q_DE_EN = range(6)

# Technician teams: three per region (A, B, C). Planted: two teams miss and fail more.
TEAMS = tuple(f"{r[3]}-{t}" for r in REGIONS for t in "ABC")
BAD_TEAMS = ("HAI-C", "LNL-B")

# Plans: name, monthly fee (EUR), share among residential customers
PLANS: tuple[tuple[str, float, float], ...] = (
    ("Fixed line", 24.50, 0.06),
    ("Internet Start", 39.00, 0.22),
    ("Internet Comfort", 52.00, 0.24),
    ("Internet + TV", 69.50, 0.26),
    ("All-in (Internet + TV + Mobile)", 94.00, 0.22),
)
BUSINESS_PLAN = ("Business Pro", 119.00)
BUSINESS_SHARE = 0.08

# Issues (reasons to contact) per active customer per week, before outages; calibrated so that
# the platform records about 10 call legs per customer over 16 weeks.
ISSUE_RATE = 0.35
ISSUE_KINDS = ("fault", "billing", "info")
FAULT, BILLING, INFO = 0, 1, 2
KIND_SHARE = (0.42, 0.30, 0.28)
FAULT_CATEGORIES = ("internet", "fixed_phone", "tv", "wifi", "mobile")
FAULT_CATEGORY_SHARE = (0.44, 0.12, 0.16, 0.18, 0.10)
VISIT_NEED = (0.42, 0.40, 0.38, 0.20, 0.04)  # share of faults that need a technician, by category
TICKET_SHARE = (1.0, 0.65, 0.45)  # share of issues on which the first agent opens a case

# Weekly and daily seasonality in local time: Monday peaks, quiet nights and Sundays.
DAY_WEIGHT = np.array([1.45, 1.12, 1.04, 1.00, 0.95, 0.55, 0.28])
HOUR_WEIGHT = np.array([
    0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.70, 1.40, 1.60, 1.55, 1.35,
    1.05, 1.30, 1.40, 1.30, 1.20, 1.05, 0.90, 0.70, 0.50, 0.35, 0.20, 0.10,
])  # fmt: skip

# Contact centre behaviour
IVR_S = (15, 75)  # seconds in the IVR before entering the agent queue
WAIT_SCALE_S = 14.0  # mean wait = scale * rho / (1 - rho)
PATIENCE_S = 210.0  # mean patience before hanging up in queue
SHORT_HANGUP_SHARE = 0.06  # callers who hang up within seconds (short abandons)
HANDLE_MEDIAN_S = (420.0, 300.0, 240.0)  # by issue kind
DROP_BASE = 0.012  # answered calls cut by the network/platform (disconnect_party = system)
DROP_OUTAGE = 0.08  # callers from the outage region while it is down
CALLBACK_AFTER_DROP = 0.45  # operator calls back after a drop...
CALLBACK_AFTER_DROP_OVERLOAD = 0.15  # ...but much less while the queue is overloaded
CALLBACK_WITHIN_2H = 0.65  # of those callbacks, share within two hours
RECALL_AFTER_DROP = 0.6  # customer calls again when nobody called back
RETRY_AFTER_ABANDON = 0.6
TRANSFER_SHARE = 0.07
PROMISED_CALLBACK_KEPT = 0.55

# Field service
LEAD_DAYS_MEAN = 3.2
LEAD_DAYS_OVERLOAD = 8.0
WHOLE_DAY_SHARE = 0.28
WHOLE_DAY_SHARE_BAD = 0.6
NO_SHOW = 0.035
NO_SHOW_BAD = 0.12
NO_SHOW_OVERLOAD = 0.16
OP_CANCEL = 0.05
OP_CANCEL_OVERLOAD = 0.16
LATE_ARRIVAL = 0.05
LATE_ARRIVAL_BAD = 0.16
FIX_RATE = 0.84
FIX_RATE_BAD = 0.62
NOTIFIED_OP_CANCEL = 0.6  # customer_notified_at is missing for the others
REMOTE_FIX_MEDIAN_H = 5.0

# Churn: weekly hazard = base * exp(CHURN_FAILURE_WEIGHT * failure score), score decays weekly
CHURN_BASE = 0.0011
CHURN_FAILURE_WEIGHT = 0.55
CHURN_SCORE_DECAY = 0.85
FAILURE_POINTS = {
    "dropped_no_callback": 1.0,
    "missed_visit": 2.0,
    "unannounced_miss": 1.0,
    "long_repair": 1.5,
    "many_contacts": 1.0,
    "abandoned": 0.4,
}


@dataclass(frozen=True)
class OutagePlan:
    """One planted network incident, placed relative to the generated weeks."""

    code: str
    region: int
    week_fraction: float  # where in the window it starts (0 = first week)
    weekday: int  # 0 = Monday
    hour: float  # local start hour
    duration_h: float
    affected_share: float  # share of the region's customers behind the failed equipment
    contact_share: float  # share of affected customers who contact the operator
    cause: str
    overload: bool  # technicians diverted, queues and platform overloaded
    min_weeks: int = 1


OUTAGES = (
    OutagePlan("cable-cut", 5, 0.40, 3, 10.6, 92.0, 0.42, 0.48,
               "Cable cut by third-party road works (fibre and coax trunk)", True),
    OutagePlan("antwerp-fibre", 1, 0.72, 1, 14.2, 30.0, 0.14, 0.40,
               "Fibre cut during third-party works on a cable route", False, 6),
    OutagePlan("bxl-power", 0, 0.20, 4, 19.0, 6.5, 0.07, 0.30,
               "Power failure at a street cabinet", False, 4),
)  # fmt: skip
MINOR_OUTAGE_CAUSES = (
    "Node failure",
    "Amplifier failure",
    "Planned maintenance overrun",
    "Power failure at a street cabinet",
)
