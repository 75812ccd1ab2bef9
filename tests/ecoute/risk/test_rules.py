"""Rules mode by hand: the weighted sum, its logistic, the bands and the reasons (codes and
values; their words in each language are tested in tests/reports/test_i18n.py)."""

from __future__ import annotations

import math

import pytest

from ecoute.risk.rules import band_of, bands_of, rules_score, score_columns, score_row
from ecoute.risk.signals import Reason, reason
from tests.ecoute.risk._fixtures import RULE_WEIGHTS as W

BANDS = (0.15, 0.4)


def row(**values):
    return {"customer_id": "C1", "tenure_days": 2000, "monthly_fee": 0, **values}


def test_score_is_the_logistic_of_the_weighted_sum():
    scored = score_row(row(dropped_without_callback=2, open_repair_days=16), W, BANDS)
    z = -4.0 + 0.5 * 2 + 0.05 * 16  # -2.2
    assert scored.score == pytest.approx(1 / (1 + math.exp(-z)))  # 0.0998
    assert scored.band == "low"
    assert score_row(row(dropped_without_callback=2, open_repair_days=30), W, BANDS).band == (
        "medium"  # z = -1.5: 0.182
    )


def test_nothing_happened_is_low_with_no_reasons():
    scored = score_row(row(), W, BANDS)
    assert scored.score == pytest.approx(1 / (1 + math.exp(4.0)))
    assert scored.band == "low" and scored.reasons == ()


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, "low"),
        (0.1499, "low"),
        (0.15, "medium"),
        (0.3999, "medium"),
        (0.4, "high"),
        (1, "high"),
    ],
)
def test_band_cut_offs_are_inclusive_from_below(score, band):
    assert band_of(score, BANDS) == band


def test_reasons_heaviest_first_with_their_values():
    scored = score_row(
        row(dropped_without_callback=2, missed_visits_unannounced=1, open_repair_days=16.4,
            churn_threat_messages=1),
        W, BANDS, top=4,
    )  # fmt: skip
    assert scored.reasons == (
        Reason("churn_threat_messages", 1.0),  # 2.0
        Reason("missed_visits_unannounced", 1.0),  # 1.2
        Reason("dropped_without_callback", 2.0),  # 1.0
        Reason("open_repair_days", 16.4),  # 0.82
    )
    assert scored.band == "high"


def test_top_limits_the_reasons():
    scored = score_row(
        row(dropped_without_callback=1, missed_visits_unannounced=2), W, BANDS, top=1
    )
    assert scored.reasons == (Reason("missed_visits_unannounced", 2.0),)


def test_counts_are_capped_but_said_as_they_are():
    many = score_row(row(repeat_contacts=40), W, BANDS)
    five = score_row(row(repeat_contacts=5), W, BANDS)
    assert many.score == five.score
    assert many.reasons == (Reason("repeat_contacts", 40.0),)


def test_new_customer_and_fee_are_reasons_when_they_weigh():
    scored = score_row(row(tenure_days=100, monthly_fee=90), W, BANDS)
    # said with the tenure and the fee themselves, not the rules' flag and fee / 100
    assert scored.reasons == (Reason("tenure", 100.0), Reason("monthly_fee", 90.0))
    cheap = score_row(row(monthly_fee=20), W, BANDS)  # 0.06 < 0.1: not worth naming
    assert cheap.reasons == ()


ROW = {"tenure_days": 400, "monthly_fee": 45.0, "missed_visits_unannounced": 2,
       "missed_visits_announced": 1, "long_repairs": 3}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("repeat_contacts", 3, Reason("repeat_contacts", 3.0)),
        ("days_without_service", 4.25, Reason("days_without_service", 4.25)),
        ("new_customer", 1.0, Reason("tenure", 400.0)),
        ("tenure_days", 400, Reason("tenure", 400.0)),
        ("monthly_fee_per_100_eur", 0.45, Reason("monthly_fee", 45.0)),
        ("long_repairs_decayed", 1.7, Reason("long_repairs", 3.0)),  # said as the plain count
        ("missed_visits_decayed", 2.2, Reason("missed_visits", 3.0)),  # 2 + 1
        ("days_since_last_failure", 12, Reason("days_since_last_failure", 12.0)),
    ],
)
def test_each_feature_is_a_code_and_a_value(name, value, expected):
    assert reason(name, value, ROW) == expected


def test_the_worst_customers_do_not_saturate_and_keep_their_order():
    """Four customers a retention team would rank by hand. The worst wrote twice that they
    will switch, had 5 unannounced missed visits, 5 dropped calls without callback, a repair
    open for 30 days, and joined this year: -4 + 4 + 6 + 2.5 + 1.5 + 0.5 = 10.5. The second
    is the same without the open repair (9.0), the third also without being new (8.5), the
    fourth had nothing (-4). The plain logistic read 1.000, 1.000, 1.000 (0.99997, 0.99988,
    0.99980): softened above 0 they read logistic(ln 11.5) = 0.920, logistic(ln 10) = 0.909,
    logistic(ln 9.5) = 0.905 — distinct in three decimals, in the same order."""
    third = row(churn_threat_messages=2, missed_visits_unannounced=5, dropped_without_callback=5)
    second = {**third, "tenure_days": 100}
    worst = {**second, "open_repair_days": 30}
    scores = [score_row(r, W, BANDS).score for r in (worst, second, third, row())]
    assert [round(s, 3) for s in scores] == [0.920, 0.909, 0.905, 0.018]
    assert scores == sorted(scores, reverse=True)


def test_softening_leaves_every_score_up_to_even_odds_and_so_the_bands_as_they_were():
    for z in (-6.0, -1.7346, -0.4055, 0.0):
        assert rules_score(z) == pytest.approx(1 / (1 + math.exp(-z)))
    # A sum of 40 (every signal at its cap) is still below 1, and above a sum of 39.
    assert rules_score(39.0) < rules_score(40.0) < 0.98


def test_scoring_by_columns_is_scoring_row_by_row():
    """The column-wise scorer the build uses gives what score_row gives, bit for bit, on rows
    that reach every branch: nulls, counts and days over their caps, a tie between two
    signals' contributions (kept in signal order), no tenure, no reasons at all."""
    rows = [
        row(customer_id="A", dropped_without_callback=2, open_repair_days=16),
        row(customer_id="B", repeat_contacts=40, open_repair_days=45, tenure_days=None),
        row(
            customer_id="C",
            churn_threat_messages=1,
            missed_visits_unannounced=None,
            dropped_without_callback=4,
            tenure_days=100,
            monthly_fee=90.0,
        ),  # fmt: skip
        row(customer_id="D", dropped_without_callback=1, repeat_contacts=5),  # 0.5 and 0.5
        row(customer_id="E"),
        {"customer_id": "F", "missed_visits_unannounced": 1},  # no tenure or fee columns
    ]
    names = sorted({k for r in rows for k in r})
    columns = {n: [r.get(n) for r in rows] for n in names}
    expected = [score_row(r, W, BANDS, top=2) for r in rows]
    assert score_columns(columns, W, BANDS, top=2) == expected
    assert expected[3].reasons == (
        Reason("dropped_without_callback", 1.0), Reason("repeat_contacts", 5.0)
    )
    assert expected[4].reasons == ()


def test_the_high_band_is_the_call_list_of_the_customers_with_most_evidence():
    """Five customers by hand (weights W, logistic(ln(1 + z)) = (1 + z) / (2 + z) above 0):
    A nothing: −4 → 0.018; B 2 drops: −3 → 0.047; E a threat and a missed visit: −0.8 → 0.310;
    C a threat and 2 missed visits: 0.4 → 1.4 / 2.4 = 0.583; D as C plus a repair open 30 days:
    1.9 → 2.9 / 3.9 = 0.744. C and D are past the 0.4 cut-off, but a team calling one customer
    (high_band_size 1) calls D, the one with most evidence; C joins E in medium."""
    customers = {
        "A": row(),
        "B": row(dropped_without_callback=2),
        "E": row(churn_threat_messages=1, missed_visits_unannounced=1),
        "C": row(churn_threat_messages=1, missed_visits_unannounced=2),
        "D": row(churn_threat_messages=1, missed_visits_unannounced=2, open_repair_days=30),
    }
    scores = [score_row(r, W, BANDS).score for r in customers.values()]
    assert scores == pytest.approx([1 / (1 + math.exp(4)), 1 / (1 + math.exp(3)),
                                    1 / (1 + math.exp(0.8)), 1.4 / 2.4, 2.9 / 3.9])  # fmt: skip
    bands = dict(zip(customers, bands_of(scores, BANDS, 1), strict=True))
    assert bands == {"A": "low", "B": "low", "E": "medium", "C": "medium", "D": "high"}
    assert bands_of(scores, BANDS, 2) == ["low", "low", "medium", "high", "high"]
    # Room for more than the cut-off lets through: the cut-off still decides (E stays medium).
    assert bands_of(scores, BANDS, 50) == [band_of(s, BANDS) for s in scores]
    # A customer tied with the last one called shares its band: same evidence, same list.
    assert bands_of([*scores, scores[-1]], BANDS, 1).count("high") == 2
