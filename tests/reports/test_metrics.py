"""ecoute.reports.metrics reads the weekly mart: a week beside the previous one, slices, params."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoute.reports.metrics import METRICS, week_metrics, worst_customers
from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call

W10 = dt.date(2026, 3, 2)


@pytest.fixture
def two_weeks(tmp_path):
    """Week of 23 Feb: two answered calls, one dropped. Week of 2 March: four answered calls,
    one dropped (C2, Namur), and a missed unannounced visit for C1."""
    calls = [
        call(
            "A1",
            "2026-02-23 09:00",
            "2026-02-23 09:05",
            "C1",
            answered="2026-02-23 09:00:10",
            party="system",
            queue="tech",
        ),
        call(
            "A2",
            "2026-02-24 09:00",
            "2026-02-24 09:05",
            "C2",
            answered="2026-02-24 09:00:10",
            party="agent",
            queue="tech",
        ),
        call(
            "B1",
            "2026-03-02 09:00",
            "2026-03-02 09:05",
            "C1",
            answered="2026-03-02 09:00:10",
            party="agent",
            queue="tech",
        ),
        call(
            "B2",
            "2026-03-02 10:00",
            "2026-03-02 10:05",
            "C2",
            answered="2026-03-02 10:00:10",
            party="system",
            queue="billing",
        ),
        call(
            "B3",
            "2026-03-03 10:00",
            "2026-03-03 10:05",
            "C3",
            answered="2026-03-03 10:00:10",
            party="agent",
            queue="tech",
            ticket_id="T1",
        ),
        call(
            "B4",
            "2026-03-04 10:00",
            "2026-03-04 10:05",
            "C4",
            answered="2026-03-04 10:00:10",
            party="agent",
            queue="billing",
            ticket_id="T1",
        ),
    ]
    appointments = [
        {
            "appointment_id": "V1",
            "customer_id": "C1",
            "booked_at": bxl("2026-02-27 09:00"),
            "window_start": bxl("2026-03-05 08:00"),
            "window_end": bxl("2026-03-05 12:00"),
            "status": "no_show",
        }
    ]
    messages = [
        {
            "message_id": "M9",
            "customer_id": "C5",
            "received_at": bxl("2026-03-20 09:00"),
            "channel": "email",
            "body": "horizon",
        }
    ]
    return build(
        tmp_path,
        {
            "customers": CUSTOMERS,
            "calls": calls,
            "appointments": appointments,
            "messages": messages,
        },
    )


def test_every_spec_metric_with_value_and_previous(two_weeks):
    result = week_metrics(two_weeks, W10)
    assert result["week"] == "2026-W10"
    assert list(result["metrics"]) == list(METRICS)
    dropped = result["metrics"]["dropped_call_rate"]
    # this week 1 of 4 answered calls dropped (B2); last week 1 of 2 (A1)
    assert (dropped["numerator"], dropped["denominator"], dropped["value"]) == (1, 4, 0.25)
    assert dropped["previous"] == 0.5
    # no messages this week: a count reads 0, a rate with nothing to count reads None
    assert result["metrics"]["complaint_count"]["value"] == 0
    assert result["metrics"]["outage_notified_rate"]["value"] is None
    assert result["params"]["short_abandon_s"] == 10
    assert result["params"]["dropped_parties"] == ["system"]
    assert result["params"]["data_horizon_at"] == "2026-03-20T08:00:00Z"


def test_by_region_and_one_region(two_weeks):
    by = week_metrics(two_weeks, W10, by="region")["metrics"]["dropped_call_rate"]
    # Liège: B1 (C1), B3 (C3) → 0/2; Namur: B2 (C2, dropped), B4 (C4) → 1/2
    assert set(by) == {"Liège", "Namur"}
    assert by["Liège"]["value"] == 0 and by["Namur"]["value"] == 0.5
    assert by["Liège"]["previous"] == 1.0  # A1, C1, dropped last week
    one = week_metrics(two_weeks, W10, region="Namur")["metrics"]["dropped_call_rate"]
    assert (one["numerator"], one["denominator"]) == (1, 2)


def test_region_crossed_with_queue(two_weeks):
    result = week_metrics(two_weeks, W10, by="queue", region="Namur")
    # Namur: B2 in billing (dropped), B4 in billing → billing 1/2
    assert result["metrics"]["dropped_call_rate"]["billing"]["value"] == 0.5


def test_bad_slices_are_refused(two_weeks):
    with pytest.raises(ValueError):
        week_metrics(two_weeks, W10, by="colour")
    with pytest.raises(ValueError):
        week_metrics(two_weeks, W10, by="agent", region="Namur")


def test_worst_customers_of_the_week(two_weeks):
    rows = worst_customers(two_weeks, W10, top=10)
    # C1: missed visit never announced 5 + B1 unlogged 1 + B1 repeats A1 (exactly 7 days
    # before) 1 + A1, the answered call before it, had no ticket: context lost 2 = 9.
    # C2: B2 dropped, no callback 3 + unlogged 1 + repeats A2 (6 days) 1 + A2 unlogged:
    # context lost 2 = 7.
    assert [(r["customer_id"], r["score"]) for r in rows] == [("C1", 9.0), ("C2", 7.0)]
    assert rows[0]["missed_unannounced_visits"] == 1
    assert (rows[1]["dropped_without_callback"], rows[1]["context_losses"]) == (1, 1)
    assert worst_customers(two_weeks, W10, top=1)[0]["customer_id"] == "C1"
