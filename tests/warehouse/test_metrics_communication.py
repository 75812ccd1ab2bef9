"""Communication metrics: outage notifications before the first contact, complaints and
their intents. Times are Brussels local; Monday 2 March 2026 starts ISO week 2026-W10."""

from __future__ import annotations

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call, metric

W10 = "2026-03-02"


def outage_ticket(ticket_id: str, customer_id: str, opened: str) -> dict:
    return {
        "ticket_id": ticket_id,
        "customer_id": customer_id,
        "opened_at": bxl(opened),
        "status": "open",
        "category": "internet",
        "outage_id": "O1",
    }


def notification(nid: str, customer_id: str, sent: str, ref_id: str | None = "O1") -> dict:
    return {
        "notification_id": nid,
        "customer_id": customer_id,
        "sent_at": bxl(sent),
        "kind": "outage",
        "channel": "sms",
        "ref_id": ref_id,
    }


def test_outage_notified_rate(tmp_path):
    rows = {
        "customers": CUSTOMERS,
        "outages": [{"outage_id": "O1", "started_at": bxl("2026-03-02 08:00"), "region": "Liège"}],
        "tickets": [
            outage_ticket("T1", "C1", "2026-03-02 09:00"),
            outage_ticket("T2", "C2", "2026-03-02 09:30"),
            outage_ticket("T3", "C3", "2026-03-02 10:00"),
            outage_ticket("T4", "C4", "2026-03-02 10:00"),
            outage_ticket("T5", "C5", "2026-03-02 09:00"),
        ],
        "notifications": [
            notification("N1", "C1", "2026-03-02 08:30"),  # told before the ticket
            notification("N2", "C2", "2026-03-02 08:50"),  # after C2's 08:45 call
            notification("N4", "C4", "2026-03-02 11:00"),  # after the ticket
            notification("N5", "C5", "2026-03-02 08:10", None),  # outage SMS without ref
        ],
        # C2 called during the outage, before opening the ticket: that is the first contact
        "calls": [
            call("K2", "2026-03-02 08:45", "2026-03-02 08:55", "C2", answered="2026-03-02 08:46")
        ],
    }
    con = build(tmp_path, rows)
    # told first: C1, C5; not: C2 (called 08:45, told 08:50), C3 (never), C4 (after) → 2/5
    assert metric(con, "outage_notified_rate", W10) == (2, 5, 0.4)
    assert metric(con, "outage_notified_rate", W10, region="Liège")[:2] == (2, 3)


def message(mid: str, customer_id: str = "C1", day: str = "2026-03-03") -> dict:
    return {
        "message_id": mid,
        "customer_id": customer_id,
        "received_at": bxl(f"{day} 10:00"),
        "channel": "email",
        "body": "…",
    }


def test_complaints_without_intents_still_build(tmp_path):
    con = build(tmp_path, {"customers": CUSTOMERS, "messages": [message("M1"), message("M2")]})
    assert metric(con, "complaint_count", W10)[2] == 2
    assert metric(con, "complaint_intent_share.churn_threat", W10) == (0, 2, 0)


def test_complaint_intent_share(tmp_path):
    messages = [message("M1"), message("M2", "C2"), message("M3"), message("M4", "C2")]
    intents = [
        ("M1", "churn_threat", "je pars"),
        ("M1", "billing", "facture"),
        ("M2", "billing", "invoice"),
        ("M2", "billing", "bill"),  # the same intent twice in a message counts once
    ]
    con = build(tmp_path, {"customers": CUSTOMERS, "messages": messages}, intents=intents)
    # 4 messages; churn_threat in M1 → 1/4; billing in M1, M2 → 2/4
    assert metric(con, "complaint_count", W10)[2] == 4
    assert metric(con, "complaint_intent_share.churn_threat", W10) == (1, 4, 0.25)
    assert metric(con, "complaint_intent_share.billing", W10) == (2, 4, 0.5)
    # C2 is business: billing M2 of M2, M4 → 1/2
    assert metric(
        con, "complaint_intent_share.billing", W10, dimension="segment", value="business"
    ) == (1, 2, 0.5)
