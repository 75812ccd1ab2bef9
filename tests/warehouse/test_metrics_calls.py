"""Contact-centre metrics on tiny hand-built days. Times are Brussels local; 2026-03-02 is a
Monday (ISO week 2026-W10)."""

from __future__ import annotations

import pytest

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, call, metric, one

W10 = "2026-03-02"


@pytest.fixture
def queue_day(tmp_path):
    """Seven inbound calls and one outbound on Monday 2 March, all customer C1, queue tech."""
    calls = [
        # answered after 15 s in queue, logged on ticket T1, 300 s of talk
        call(
            "A1",
            "2026-03-02 09:00:00",
            "2026-03-02 09:05:15",
            answered="2026-03-02 09:00:15",
            party="agent",
            queue="tech",
            ticket_id="T1",
        ),
        # answered after 40 s: outside the 20 s service level; 600 s of talk, no ticket
        call(
            "A2",
            "2026-03-02 09:00:00",
            "2026-03-02 09:10:40",
            answered="2026-03-02 09:00:40",
            party="agent",
            queue="tech",
        ),
        # short abandon: customer hung up after 5 s
        call("A3", "2026-03-02 09:00:00", "2026-03-02 09:00:05", party="customer", queue="tech"),
        # abandoned at exactly 10 s: "at least short_abandon_s" → an abandon
        call("A4", "2026-03-02 09:00:00", "2026-03-02 09:00:10", party="customer", queue="tech"),
        # abandoned after 60 s, no disconnect party recorded → the customer's
        call("A5", "2026-03-02 09:00:00", "2026-03-02 09:01:00", queue="tech"),
        # never answered, cut by the system after 30 s: not an abandon, not answered
        call("A6", "2026-03-02 09:00:00", "2026-03-02 09:00:30", party="system", queue="tech"),
        # 10 s in the IVR, then 20 s in the queue (queued_at counts): within service level;
        # 180 s of talk, no ticket
        call(
            "A7",
            "2026-03-02 08:59:50",
            "2026-03-02 09:03:20",
            answered="2026-03-02 09:00:20",
            queued="2026-03-02 09:00:00",
            party="customer",
            queue="tech",
        ),
        call(
            "O1",
            "2026-03-02 11:00",
            "2026-03-02 11:05",
            direction="outbound",
            answered="2026-03-02 11:00:10",
            party="agent",
        ),
    ]
    return build(tmp_path, {"customers": CUSTOMERS, "calls": calls})


def test_inbound_calls_count_inbound_legs_only(queue_day):
    # A1..A7 inbound, O1 outbound → 7
    assert metric(queue_day, "inbound_calls", W10)[2] == 7


def test_abandon_rate_excludes_short_abandons(queue_day):
    # abandoned: A4 (10 s), A5 (60 s) = 2; inbound 7 − short abandons 1 (A3) = 6 → 2/6
    assert metric(queue_day, "abandon_rate", W10) == (2, 6, pytest.approx(2 / 6))


def test_service_level_counts_from_entering_the_queue(queue_day):
    # within 20 s: A1 (15 s), A7 (20 s from queued_at) = 2;
    # answered A1, A2, A7 + abandoned A4, A5 = 5 (A3 short, A6 system excluded) → 2/5
    assert metric(queue_day, "service_level", W10) == (2, 5, 0.4)


def test_avg_handle_time_is_talk_time_of_answered_inbound_calls(queue_day):
    # (300 + 600 + 180) / 3 = 360 s; O1 is outbound
    assert metric(queue_day, "avg_handle_time_s", W10) == (1080, 3, 360)


def test_unlogged_call_rate(queue_day):
    # answered inbound A1 (ticket T1), A2, A7 (no ticket) → 2/3
    assert metric(queue_day, "unlogged_call_rate", W10) == (2, 3, pytest.approx(2 / 3))


def test_flags_live_on_the_fact(queue_day):
    flags = dict(
        queue_day.execute(
            "select call_id, [is_short_abandon, is_abandoned, is_answered_within_sl] "
            "from core.fct_calls"
        ).fetchall()
    )
    assert flags["A3"] == [True, False, False]
    assert flags["A4"] == [False, True, False]
    assert flags["A6"] == [False, False, False]
    assert flags["A7"] == [False, False, True]


@pytest.fixture
def drops(tmp_path):
    """Four dropped calls at 10:00 and what followed within the 2 h callback window."""
    calls = [
        # C1: dropped, operator calls back at 11:59 → just inside the 2 h window
        call(
            "D1",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            "C1",
            answered="2026-03-02 09:51",
            party="system",
        ),
        call(
            "B1",
            "2026-03-02 11:59",
            "2026-03-02 12:05",
            "C1",
            direction="outbound",
            answered="2026-03-02 11:59:20",
            party="agent",
        ),
        # C2: dropped, operator callback at 12:01 → just outside the window
        call(
            "D2",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            "C2",
            answered="2026-03-02 09:51",
            party="system",
        ),
        call(
            "B2",
            "2026-03-02 12:01",
            "2026-03-02 12:05",
            "C2",
            direction="outbound",
            initiation="callback",
            answered="2026-03-02 12:01:10",
            party="agent",
        ),
        # C3: dropped, calls again at 10:30 (answered, ends normally), callback only at 11:00
        call(
            "D3",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            "C3",
            answered="2026-03-02 09:51",
            party="system",
        ),
        call(
            "R3",
            "2026-03-02 10:30",
            "2026-03-02 10:40",
            "C3",
            answered="2026-03-02 10:31",
            party="agent",
        ),
        call(
            "B3",
            "2026-03-02 11:00",
            "2026-03-02 11:05",
            "C3",
            direction="outbound",
            initiation="callback",
            answered="2026-03-02 11:00:10",
            party="agent",
        ),
        # unidentified caller dropped: counts as a drop, not in the callback rates
        call(
            "D4",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            None,
            answered="2026-03-02 09:51",
            party="system",
        ),
        # answered, the customer hung up: not a drop
        call(
            "D5",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            "C4",
            answered="2026-03-02 09:51",
            party="customer",
        ),
    ]
    return build(tmp_path, {"customers": CUSTOMERS, "calls": calls})


def test_dropped_call_rate(drops):
    # answered inbound: D1, D2, D3, R3, D4, D5 = 6; dropped by the system: D1..D4 = 4
    assert metric(drops, "dropped_call_rate", W10) == (4, 6, pytest.approx(4 / 6))


def test_callback_just_inside_and_just_outside_the_window(drops):
    # identified drops D1, D2, D3: called back within 2 h: D1 (1 h 59), D3 (1 h); D2 at 2 h 01 no
    assert metric(drops, "callback_rate_after_drop", W10) == (2, 3, pytest.approx(2 / 3))
    has = dict(drops.execute("select call_id, has_callback from core.fct_calls").fetchall())
    assert (has["D1"], has["D2"], has["D3"], has["D4"], has["D5"]) == (
        True,
        False,
        True,
        None,
        None,
    )


def test_customer_recall_before_the_callback(drops):
    # C3 called again at 10:30, before the operator's 11:00 callback → 1 of 3
    assert metric(drops, "customer_recall_after_drop", W10) == (1, 3, pytest.approx(1 / 3))


def test_dropped_parties_is_a_parameter(tmp_path):
    calls = [
        call(
            "D1", "2026-03-02 09:50", "2026-03-02 10:00", answered="2026-03-02 09:51", party="agent"
        ),
        call(
            "D2",
            "2026-03-02 09:50",
            "2026-03-02 10:00",
            answered="2026-03-02 09:51",
            party="system",
        ),
    ]
    con = build(
        tmp_path, {"customers": CUSTOMERS, "calls": calls}, dropped_parties=["system", "agent"]
    )
    assert metric(con, "dropped_call_rate", W10) == (2, 2, 1)


def test_call_crossing_midnight_and_week_belongs_where_it_started(tmp_path):
    # Sunday 8 March 23:50 → Monday 9 March 00:10: week of 2 March, day 8 March
    calls = [
        call(
            "X1", "2026-03-08 23:50", "2026-03-09 00:10", answered="2026-03-08 23:51", party="agent"
        )
    ]
    con = build(tmp_path, {"customers": CUSTOMERS, "calls": calls})
    assert metric(con, "inbound_calls", W10)[2] == 1
    assert metric(con, "inbound_calls", "2026-03-09")[2] is None
    assert metric(con, "inbound_calls", "2026-03-08", grain="day")[2] == 1
    assert metric(con, "inbound_calls", "2026-03-09", grain="day")[2] is None


def test_weeks_start_at_local_midnight_across_the_dst_change(tmp_path):
    # Clocks go forward on Sunday 29 March 2026. Monday 30 March 00:30 CEST is Sunday 22:30
    # UTC: it belongs to the week of 30 March; Sunday 23:30 CEST (21:30 UTC) to the week before.
    calls = [
        call(
            "X2", "2026-03-30 00:30", "2026-03-30 00:40", answered="2026-03-30 00:31", party="agent"
        ),
        call(
            "X3", "2026-03-29 23:30", "2026-03-29 23:40", answered="2026-03-29 23:31", party="agent"
        ),
        call(
            "X4", "2026-03-29 03:30", "2026-03-29 03:40", answered="2026-03-29 03:31", party="agent"
        ),
    ]
    con = build(tmp_path, {"customers": CUSTOMERS, "calls": calls})
    assert metric(con, "inbound_calls", "2026-03-30")[2] == 1
    assert metric(con, "inbound_calls", "2026-03-23")[2] == 2
    assert metric(con, "inbound_calls", "2026-03-29", grain="day")[2] == 2
    # X4 talked 9 minutes on a 23-hour day: durations are instants apart, not wall-clock
    assert one(con, "select handle_s from core.fct_calls where call_id = 'X4'") == 540


@pytest.fixture
def contacts(tmp_path):
    """Customer C1's contacts in March, C2's one call in the week of 23 March."""
    calls = [
        call(
            "P1",
            "2026-03-02 09:00",
            "2026-03-02 09:10",
            "C1",
            answered="2026-03-02 09:01",
            party="agent",
        ),
        # 3 days later, logged: a repeat; the previous answered call P1 left no ticket
        call(
            "P2",
            "2026-03-05 09:00",
            "2026-03-05 09:10",
            "C1",
            answered="2026-03-05 09:01",
            party="agent",
            ticket_id="T1",
        ),
        # a short abandon is not a contact
        call("P3", "2026-03-06 09:00", "2026-03-06 09:00:04", "C1", party="customer"),
        # a day after C1's e-mail of 20 March: a repeat; previous answered call P2 was logged
        call(
            "P4",
            "2026-03-21 10:00",
            "2026-03-21 10:10",
            "C1",
            answered="2026-03-21 10:01",
            party="agent",
            ticket_id="T2",
        ),
        call(
            "Q1",
            "2026-03-23 09:00",
            "2026-03-23 09:10",
            "C2",
            answered="2026-03-23 09:01",
            party="agent",
        ),
    ]
    messages = [
        {
            "message_id": "M1",
            "customer_id": "C1",
            "received_at": "2026-03-20T09:00:00+01:00",
            "channel": "email",
            "body": "still broken",
        },
        # the last thing recorded: the data's horizon is 25 March 10:00
        {
            "message_id": "M2",
            "customer_id": "C3",
            "received_at": "2026-03-25T10:00:00+01:00",
            "channel": "web",
            "body": "hello",
        },
    ]
    return build(tmp_path, {"customers": CUSTOMERS, "calls": calls, "messages": messages})


def test_repeat_contact_rate(contacts):
    # week of 2 March: contacts P1, P2; P2 within 7 days of P1 → 1/2
    assert metric(contacts, "repeat_contact_rate", W10) == (1, 2, 0.5)
    # week of 16 March: M1 (15 days after P2: not a repeat), P4 (1 day after M1) → 1/2
    assert metric(contacts, "repeat_contact_rate", "2026-03-16") == (1, 2, 0.5)
    # week of 23 March: Q1, M2, first contacts of C2 and C3 → 0/2
    assert metric(contacts, "repeat_contact_rate", "2026-03-23") == (0, 2, 0)


def test_context_loss_rate(contacts):
    # P2 repeats and the answered call before it (P1) had no ticket → 1/1
    assert metric(contacts, "context_loss_rate", W10) == (1, 1, 1)
    # P4 repeats but the answered call before it (P2) was logged → 0/1
    assert metric(contacts, "context_loss_rate", "2026-03-16") == (0, 1, 0)


def test_fcr_counts_only_elapsed_windows(contacts):
    # P1 is followed by P2 within 7 days → not resolved; P2's next contact is 15 days later → 1/2
    assert metric(contacts, "fcr_rate", W10) == (1, 2, 0.5)
    # P4 (21 March) and Q1 (23 March): 7 days have not elapsed by the horizon (25 March),
    # and nothing followed yet → not counted
    assert metric(contacts, "fcr_rate", "2026-03-16") == (0, 0, None)
    assert metric(contacts, "fcr_rate", "2026-03-23") == (0, 0, None)
    fcr = dict(contacts.execute("select call_id, is_fcr from core.fct_calls").fetchall())
    assert (fcr["P1"], fcr["P2"], fcr["P3"], fcr["P4"], fcr["Q1"]) == (
        False,
        True,
        None,
        None,
        None,
    )


def test_unknown_customers_are_kept_and_flagged(tmp_path):
    calls = [call("U1", "2026-03-02 09:00", "2026-03-02 09:10", "C99", answered="2026-03-02 09:01")]
    con = build(tmp_path, {"customers": CUSTOMERS, "calls": calls})
    assert one(con, "select is_unknown from core.dim_customers where customer_id = 'C99'") is True
    assert one(con, "select has_known_customer from core.fct_calls") is False
    assert metric(con, "inbound_calls", W10, region="(none)")[2] == 1
