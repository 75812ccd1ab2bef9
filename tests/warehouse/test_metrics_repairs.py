"""Repair metrics around Easter 2026 in Belgium: Easter Monday 6 April is a public holiday,
Good Friday (3 April) is not. Times are Brussels local (CEST from 29 March)."""

from __future__ import annotations

import pytest

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call, metric, one


def ticket(
    ticket_id: str, opened: str, restored: str | None, category: str = "internet", **kw
) -> dict:
    row = {
        "ticket_id": ticket_id,
        "customer_id": kw.pop("customer_id", "C1"),
        "opened_at": bxl(opened),
        "restored_at": bxl(restored) if restored else None,
        "status": "resolved" if restored else "open",
        "category": category,
    }
    for key, value in kw.items():
        row[key] = bxl(value) if key.endswith("_at") and value else value
    return row


@pytest.fixture
def easter(tmp_path):
    tickets = [
        # reported Friday 3 April: working days after are Tue 7 (Mon 6 is Easter Monday) and
        # Wed 8 → target end of Wed 8 April. Restored Wed 20:00: 130 h, within target.
        ticket("R1", "2026-04-03 10:00", "2026-04-08 20:00"),
        # same Friday, restored Thu 9 April 09:00: 142 h, target missed
        ticket("R2", "2026-04-03 11:00", "2026-04-09 09:00", "tv"),
        # reported Thursday 2 April: Fri 3, Tue 7 → target Tue 7. Restored on Easter Monday
        # 09:00: 96 h, within target
        ticket("R3", "2026-04-02 09:00", "2026-04-06 09:00", "mobile"),
        # billing complaints are not faults; R4 reopened once, R5 not
        ticket(
            "R4",
            "2026-04-02 09:00",
            None,
            "billing",
            resolved_at="2026-04-03 09:00",
            reopened_count=1,
            status="resolved",
        ),
        ticket(
            "R5",
            "2026-04-01 09:00",
            None,
            "billing",
            resolved_at="2026-04-02 09:00",
            status="closed",
        ),
        # reported Friday 20 March, never restored: target Tue 24 March, missed; in the backlog
        ticket("R6", "2026-03-20 09:00", None),
        # reported Sunday 5 April 12:00, restored 18:00 the same day (6 h)
        ticket("R7", "2026-04-05 12:00", "2026-04-05 18:00"),
        # reported Sunday 5 April 20:00, restored Tuesday 7 April 10:00 (38 h): target Wed 8
        ticket("R8", "2026-04-05 20:00", "2026-04-07 10:00"),
    ]
    messages = [
        {
            "message_id": "M1",
            "customer_id": "C2",
            "received_at": bxl("2026-04-15 09:00"),
            "channel": "email",
            "body": "horizon",
        }
    ]
    return build(tmp_path, {"customers": CUSTOMERS, "tickets": tickets, "messages": messages})


def test_repair_target_counts_working_days_after_easter(easter):
    targets = dict(
        easter.execute(
            "select ticket_id, strftime(target_date, '%Y-%m-%d') from core.fct_tickets"
        ).fetchall()
    )
    assert targets["R1"] == "2026-04-08"
    assert targets["R3"] == "2026-04-07"
    assert targets["R8"] == "2026-04-08"
    assert targets["R6"] == "2026-03-24"


def test_restored_within_target(easter):
    # due in the week of 6 April: R1 yes, R2 no, R3 yes, R7 yes, R8 yes → 4/5
    assert metric(easter, "restored_within_target", "2026-04-06") == (4, 5, 0.8)
    # R6 was due Tue 24 March and is still not restored → 0/1
    assert metric(easter, "restored_within_target", "2026-03-23") == (0, 1, 0)


def test_time_to_restore_percentiles(easter):
    # restored in the week of 6 April: R8 38 h, R3 96 h, R1 130 h, R2 142 h
    # p50 = (96 + 130) / 2 = 113; p80 at rank 2.4 = 130 + 0.4 × 12 = 134.8;
    # p95 at rank 2.85 = 130 + 0.85 × 12 = 140.2 (linear interpolation)
    assert metric(easter, "time_to_restore_p50_h", "2026-04-06") == (None, 4, 113)
    assert metric(easter, "time_to_restore_p80_h", "2026-04-06")[2] == pytest.approx(134.8)
    assert metric(easter, "time_to_restore_p95_h", "2026-04-06")[2] == pytest.approx(140.2)
    # R7, restored Sunday 5 April, is in the week before: 6 h
    assert metric(easter, "time_to_restore_p50_h", "2026-03-30") == (None, 1, 6)


def test_reopen_rate(easter):
    # resolved in the week of 30 March: R4 (reopened once) and R5 → 1/2
    assert metric(easter, "reopen_rate", "2026-03-30") == (1, 2, 0.5)


def test_open_fault_backlog_with_age_buckets(easter):
    # at the end of the week of 30 March (Monday 6 April 00:00): open faults
    # R1 (2.6 days old), R2 (2.5), R3 (3.6) → 3–7 days; R6 (16.6) → >14; R8 (4 h) → ≤2;
    # R7 was restored on Sunday; R4, R5 are billing
    week = "2026-03-30"
    assert metric(easter, "open_fault_backlog", week)[2] == 5
    assert metric(easter, "open_fault_backlog.age_le_2d", week)[2] == 1
    assert metric(easter, "open_fault_backlog.age_3_7d", week)[2] == 3
    assert metric(easter, "open_fault_backlog.age_8_14d", week)[2] == 0
    assert metric(easter, "open_fault_backlog.age_gt_14d", week)[2] == 1
    # by category: internet R1, R6, R8; tv R2; mobile R3
    assert (
        metric(easter, "open_fault_backlog", week, dimension="category", value="internet")[2] == 3
    )


def test_backlog_on_a_day(easter):
    # end of Good Friday 3 April: R1, R2, R3, R6 open
    assert metric(easter, "open_fault_backlog", "2026-04-03", grain="day")[2] == 4


def test_contacts_per_ticket(tmp_path):
    tickets = [
        ticket("T9", "2026-03-02 09:00", "2026-03-04 09:00"),
        ticket("T10", "2026-03-02 10:00", "2026-03-02 12:00", customer_id="C2"),
    ]
    calls = [
        # the call that opened T9, logged on it
        call(
            "K1",
            "2026-03-02 08:50",
            "2026-03-02 08:58",
            answered="2026-03-02 08:51",
            ticket_id="T9",
        ),
        # C1 calls while T9 is open
        call("K2", "2026-03-03 10:00", "2026-03-03 10:05", answered="2026-03-03 10:01"),
        # after restoration: not counted
        call("K3", "2026-03-05 10:00", "2026-03-05 10:05", answered="2026-03-05 10:01"),
    ]
    messages = [
        {
            "message_id": "M1",
            "customer_id": "C1",
            "received_at": bxl("2026-03-03 12:00"),
            "channel": "email",
            "body": "still down",
        }
    ]
    con = build(
        tmp_path, {"customers": CUSTOMERS, "tickets": tickets, "calls": calls, "messages": messages}
    )
    # T9: K1, K2, M1 = 3; T10: none → (3 + 0) / 2
    assert metric(con, "contacts_per_ticket", "2026-03-02") == (3, 2, 1.5)
    assert one(con, "select contact_count from core.fct_tickets where ticket_id = 'T9'") == 3
