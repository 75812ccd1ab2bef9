"""ecoute.reports.journey: one customer's events in time order, flagged, as of a date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ecoute.reports.journey import customer_journey
from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call


@pytest.fixture
def story(tmp_path):
    """C1's bad week: internet down Monday 2 March 08:00, a dropped call, no callback, a
    whole-day window missed without a word, restored Friday 6 March 08:00."""
    rows = {
        "customers": CUSTOMERS,
        "tickets": [
            {
                "ticket_id": "T1",
                "customer_id": "C1",
                "opened_at": bxl("2026-03-02 08:00"),
                "restored_at": bxl("2026-03-06 08:00"),
                "status": "resolved",
                "category": "internet",
                "service_loss": "total",
            }
        ],
        "calls": [
            call(
                "K1",
                "2026-03-02 08:30",
                "2026-03-02 08:40",
                answered="2026-03-02 08:31",
                party="system",
                ticket_id="T1",
            ),
            call(
                "K2",
                "2026-03-02 14:00",
                "2026-03-02 14:10",
                answered="2026-03-02 14:01",
                party="agent",
            ),
        ],
        "appointments": [
            {
                "appointment_id": "V1",
                "customer_id": "C1",
                "ticket_id": "T1",
                "booked_at": bxl("2026-03-02 14:05"),
                "window_start": bxl("2026-03-04 08:00"),
                "window_end": bxl("2026-03-04 18:00"),
                "status": "no_show",
            }
        ],
        "notifications": [
            {
                "notification_id": "N1",
                "customer_id": "C1",
                "sent_at": bxl("2026-03-03 18:00"),
                "kind": "appointment_reminder",
                "channel": "sms",
                "ref_id": "V1",
            }
        ],
        "messages": [
            {
                "message_id": "M1",
                "customer_id": "C2",
                "received_at": bxl("2026-03-20 09:00"),
                "channel": "email",
                "body": "horizon",
            }
        ],
    }
    return build(tmp_path, rows)


def test_events_in_time_order_with_their_flags(story):
    journey = customer_journey(story, "C1")
    assert [(e["kind"], e["id"]) for e in journey["events"]] == [
        ("ticket", "T1"),
        ("call", "K1"),
        ("call", "K2"),
        ("notification", "N1"),
        ("appointment", "V1"),
    ]
    flags = {e["id"]: e["flags"] for e in journey["events"]}
    # K1 dropped at 08:40; nobody called back by 10:40
    assert flags["K1"] == ["dropped", "no_callback_within_window"]
    # K2 at 14:00 is 5 h 30 after the drop: outside the 2 h window, but a repeat of K1; it was
    # answered without a ticket; K1 had one, so no context was lost
    assert flags["K2"] == ["repeat", "unlogged"]
    assert flags["V1"] == ["missed_visit", "unannounced", "whole_day_window"]
    assert journey["events"][0]["at"] == "2026-03-02T07:00:00Z"
    assert journey["events"][0]["local_at"] == "2026-03-02 08:00"
    # Monday 08:00 → Friday 08:00
    assert journey["events"][0]["days_without_service"] == 4
    assert journey["summary"]["by_kind"] == {
        "appointment": 1,
        "call": 2,
        "notification": 1,
        "ticket": 1,
    }
    assert journey["summary"]["by_flag"]["dropped"] == 1


def test_as_of_cuts_the_story_and_counts_days_so_far(story):
    journey = customer_journey(story, "C1", as_of=dt.date(2026, 3, 3))
    # as of the end of Tuesday 3 March: the reminder (18:00 Tuesday) is in, the visit is not
    assert [e["id"] for e in journey["events"]] == ["T1", "K1", "K2", "N1"]
    # Monday 08:00 → Wednesday 00:00 = 1 day 16 h
    assert journey["events"][0]["days_without_service"] == pytest.approx(1.67, abs=0.01)
    assert journey["summary"]["days_without_service"] == pytest.approx(1.67, abs=0.01)


def test_unknown_customer_has_no_events(story):
    assert customer_journey(story, "C404")["events"] == []
    # ids are inlined as quoted SQL literals: a quote is data, not SQL
    assert customer_journey(story, "C1' or '1'='1")["events"] == []


def test_facts_are_data_and_said_in_each_language(story):
    """The mart keeps each event's facts as JSON, no sentence; the detail is said in the
    reader's language. V1: a no-show in a 10 h window (08:00–18:00) booked Monday 14:05 for
    Wednesday 08:00 (41 h 55 min = 1.7 days ahead), no technician given, about ticket T1."""
    from ecoute.reports.i18n import lang

    (raw,) = story.execute(
        "select facts from marts.rpt_customer__journey where event_id = 'V1'"
    ).fetchone()
    assert json.loads(raw) == {"status": "no_show", "window_h": 10.0, "lead_days": 1.7,
                               "technician": None, "ticket": "T1"}  # fmt: skip
    said = {
        code: {e["id"]: e["detail"] for e in customer_journey(story, "C1", L=lang(code))["events"]}
        for code in ("en", "fr", "nl")
    }
    assert said["en"]["V1"] == "visit no show, window 10 h, booked 1.7 days ahead, ticket T1"
    assert said["fr"]["V1"] == (
        "visite technicien non venu, créneau de 10 h, prise 1,7 jours avant, ticket T1"
    )
    assert said["nl"]["V1"] == (
        "bezoek technicus niet gekomen, tijdvenster van 10 u, 1,7 dagen vooraf geboekt, ticket T1"
    )
    assert said["fr"]["N1"] == "notification : rappel de rendez-vous, par SMS, au sujet de V1"
    assert said["nl"]["T1"].startswith("ticket internet, status: ")
