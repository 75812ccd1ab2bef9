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
# share of calls where the first agent solves a non-fault question. A normal queue logs ~97 % of
# its calls and solves ~90 % of questions first time (SQM: 70 % industry average FCR, 80 % world
# class; docs/demo.md "Calibration").
QUEUES: tuple[tuple[str, float, float, float], ...] = (
    ("tech-fr", 1.00, 0.72, 0.80),  # planted: logs few calls on tickets (context loss)
    ("tech-nl", 1.08, 0.98, 0.92),
    ("billing-fr", 1.05, 0.98, 0.92),
    ("billing-nl", 0.84, 0.98, 0.91),  # planted: understaffed (long waits, abandons)
    ("business", 1.10, 0.98, 0.94),
    ("general-de-en", 1.00, 0.98, 0.92),
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

# Issues (reasons to contact) per active customer per week, before outages: about 1.3 call legs
# per customer over 16 weeks. The rate and the spread of customers' propensity to call (gamma
# shape) set how often an unrelated contact falls within the repeat window by chance: at 0.35 a
# week and shape 0.7, two contacts in three were "repeats" (docs/demo.md "Calibration").
ISSUE_RATE = 0.04
PROPENSITY_SHAPE = 8.0
ISSUE_KINDS = ("fault", "billing", "info")
FAULT, BILLING, INFO = 0, 1, 2
KIND_SHARE = (0.42, 0.30, 0.28)
FAULT_CATEGORIES = ("internet", "fixed_phone", "tv", "wifi", "mobile")
FAULT_CATEGORY_SHARE = (0.44, 0.12, 0.16, 0.18, 0.10)
VISIT_NEED = (0.22, 0.24, 0.20, 0.07, 0.01)  # share of faults that need a technician, by category
TICKET_SHARE = (1.0, 0.995, 0.99)  # share of issues on which the first agent opens a case

# Weekly and daily seasonality in local time: Monday peaks, quiet nights and Sundays.
DAY_WEIGHT = np.array([1.45, 1.12, 1.04, 1.00, 0.95, 0.55, 0.28])
HOUR_WEIGHT = np.array([
    0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.70, 1.40, 1.60, 1.55, 1.35,
    1.05, 1.30, 1.40, 1.30, 1.20, 1.05, 0.90, 0.70, 0.50, 0.35, 0.20, 0.10,
])  # fmt: skip

# Contact centre behaviour. Occupancy is BASE_OCCUPANCY (PEAK_OCCUPANCY on Monday morning) over
# the queue's staffing, times the surge over the forecast. A call waits with probability
# occupancy ** WAIT_POWER (Erlang C for a pool of ~20 agents), then for an exponential time of
# mean WAIT_SCALE_S / (1 - occupancy). LOAD_SMOOTHING calls damp the hour-by-hour noise of the
# surge ratio so that only a real surge (an outage) overloads a queue.
IVR_S = (15, 75)  # seconds in the IVR before entering the agent queue
BASE_OCCUPANCY = 0.66
PEAK_OCCUPANCY = 0.80
WAIT_POWER = 5.0
WAIT_SCALE_S = 15.0
LOAD_SMOOTHING = 25.0
PATIENCE_S = 420.0  # mean patience before hanging up in queue
SHORT_HANGUP_SHARE = 0.06  # callers who hang up within seconds (short abandons)
HANDLE_MEDIAN_S = (420.0, 300.0, 240.0)  # by issue kind
DROP_BASE = 0.012  # answered calls cut by the network/platform (disconnect_party = system)
DROP_OUTAGE = 0.08  # callers from the outage region while it is down
CALLBACK_AFTER_DROP = 0.93  # operator calls back after a drop...
CALLBACK_AFTER_DROP_OVERLOAD = 0.15  # ...but much less while the queue is overloaded
CALLBACK_WITHIN_2H = 0.94  # of those callbacks, share within two hours
RECALL_AFTER_DROP = 0.6  # customer calls again when nobody called back
RETRY_AFTER_ABANDON = 0.6
TRANSFER_SHARE = 0.07
PROMISED_CALLBACK_KEPT = 0.55

# Field service. A normal team misses ~2 % of visits (no-show, cancelled < 24 h before, arrived
# after the window; Openreach misses 1.1 % of repair visits, counting no-shows and late
# cancellations only) and fixes ~86 % first time (Aberdeen: 75-80 % average, 88 % best in class,
# 63 % laggards).
LEAD_DAYS_MEAN = 2.0
LEAD_DAYS_OVERLOAD = 8.0
WHOLE_DAY_SHARE = 0.03
WHOLE_DAY_SHARE_BAD = 0.45
NO_SHOW = 0.008
NO_SHOW_BAD = 0.08
NO_SHOW_OVERLOAD = 0.16
OP_CANCEL = 0.025
OP_CANCEL_BAD = 0.065
OP_CANCEL_OVERLOAD = 0.16
LATE_CANCEL = 0.3  # share of operator cancellations made less than 24 h before the window
LATE_CANCEL_BAD = 0.45
LATE_ARRIVAL = 0.006
LATE_ARRIVAL_BAD = 0.08
FIX_RATE = 0.86
FIX_RATE_BAD = 0.62
NOTIFIED_OP_CANCEL = 0.6  # customer_notified_at is missing for the others
# a missed visit the customer is told of before the window starts (no-show, late cancellation,
# late arrival): normal teams, the planted bad teams, technicians overloaded by an outage
ANNOUNCED_MISS = 0.93
ANNOUNCED_MISS_BAD = 0.65
ANNOUNCED_MISS_OVERLOAD = 0.3
REMOTE_FIX_MEDIAN_H = 3.0
# share of customers of an outage told by SMS/e-mail: normal incidents, the planted cable cut
OUTAGE_NOTIFIED = 0.98
OUTAGE_NOTIFIED_OVERLOAD = 0.5
# repair-status contacts per day a fault stays open (the customer is waiting), and per outage
FOLLOW_UP_PER_DAY = 0.05
FOLLOW_UP_OUTAGE = 0.6

# Churn: weekly hazard = base * exp(CHURN_FAILURE_WEIGHT * failure score), score decays weekly.
# The score weighs effort most: having to call again about the same problem, or giving up in
# the queue (Dixon, Freeman & Toman, "Stop Trying to Delight Your Customers", HBR 2010: 96 % of
# high-effort customers become more disloyal, repeat contacts the first effort driver); a missed
# visit or a long repair counts once. About 4 % a year with nothing wrong; ~18 % a year in all
# on the default demo (docs/demo.md). Strong enough that a model learns it from 5,000 customers
# (tests/ecoute/risk/test_proofs.py), not so strong that a rule on the same events ranks better.
CHURN_BASE = 0.0008
CHURN_FAILURE_WEIGHT = 1.5
CHURN_SCORE_DECAY = 0.9
FAILURE_POINTS = {
    "dropped_no_callback": 1.0,
    "missed_visit": 1.0,
    "unannounced_miss": 0.5,
    "long_repair": 1.0,
    "repeat_contact": 3.0,
    "many_contacts": 3.0,
    "abandoned": 3.0,
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
    OutagePlan("antwerp-fibre", 1, 0.72, 1, 14.2, 30.0, 0.05, 0.40,
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
