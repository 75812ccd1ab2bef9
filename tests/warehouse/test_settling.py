"""A windowed flag is null until its whole window has elapsed by the data's horizon, whatever
already happened inside it; then it is true or false. Each case builds the same rows twice:
once with the horizon inside the window (nothing counted: a failure seen early must not make
an unsettled week read 0 %), once with one unrelated later record that moves the horizon past
the window's end (the number a person computes by hand). Times are Brussels local; Monday
2 March 2026 starts ISO week 2026-W10."""

from __future__ import annotations

from typing import Any

import pytest

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call, metric

W10 = "2026-03-02"


def message(message_id: str, customer_id: str, received: str) -> dict[str, Any]:
    """A message from another customer: it only moves the data's horizon."""
    return {
        "message_id": message_id,
        "customer_id": customer_id,
        "received_at": bxl(received),
        "channel": "web",
        "body": "hello",
    }


def flags(con, sql: str) -> dict[str, Any]:
    return dict(con.execute(sql).fetchall())


# ---------------------------------------------------------------- FCR (7-day repeat window)

FCR_CALLS = [
    # C1 answered Monday 09:00; window to Monday 9 March 09:00
    call("A1", "2026-03-02 09:00", "2026-03-02 09:10", "C1", answered="2026-03-02 09:01"),
    # C1 again on Wednesday, inside A1's window: A1 is not resolved first time — once settled
    call("A2", "2026-03-04 09:00", "2026-03-04 09:10", "C1", answered="2026-03-04 09:01"),
]


def _fcr(tmp_path, horizon: str):
    messages = [message("M1", "C3", horizon)]
    return build(tmp_path, {"customers": CUSTOMERS, "calls": FCR_CALLS, "messages": messages})


def test_fcr_repeat_inside_an_unfinished_window_is_not_counted(tmp_path):
    # Edge case: the repeat (A2) already came, but A1's window ends 9 March 09:00, after the
    # horizon (Thursday 5 March 10:00). By hand: nothing is settled → 0 of 0, no rate.
    con = _fcr(tmp_path, "2026-03-05 10:00")
    assert flags(con, "select call_id, is_fcr from core.fct_calls") == {"A1": None, "A2": None}
    assert metric(con, "fcr_rate", W10) == (0, 0, None)


def test_fcr_once_the_window_has_elapsed(tmp_path):
    # Same calls, horizon Friday 13 March 10:00: both windows (to 9 and 11 March) have ended.
    # By hand: A1 was followed within 7 days (false), A2 was not (true) → 1 / 2 = 50 %.
    con = _fcr(tmp_path, "2026-03-13 10:00")
    assert flags(con, "select call_id, is_fcr from core.fct_calls") == {"A1": False, "A2": True}
    assert metric(con, "fcr_rate", W10) == (1, 2, 0.5)


# ---------------------------------------------------------------- first-time fix (30 days)


def _visit(appointment_id: str, customer: str, ticket: str, day: str, **kw: Any) -> dict:
    row = {
        "appointment_id": appointment_id,
        "customer_id": customer,
        "ticket_id": ticket,
        "technician_id": "TECH1",
        "booked_at": bxl("2026-03-01 08:00"),
        "window_start": bxl(f"{day} 08:00"),
        "window_end": bxl(f"{day} 12:00"),
    }
    return {**row, **kw}


VISITS = [
    # T1: fixed on Monday, but a refix visit came on Thursday, inside the 30-day window
    _visit("V1", "C1", "T1", "2026-03-02", status="completed",
           completed_at=bxl("2026-03-02 11:00"), fixed=True),
    _visit("V2", "C1", "T1", "2026-03-05", status="completed",
           completed_at=bxl("2026-03-05 11:00"), fixed=True),
    # T2: fixed on Tuesday, nothing followed
    _visit("V3", "C2", "T2", "2026-03-03", status="completed",
           completed_at=bxl("2026-03-03 11:00"), fixed=True),
    # T3: the first visit on Wednesday did not fix it (a failure known at once)
    _visit("V4", "C3", "T3", "2026-03-04", status="completed",
           completed_at=bxl("2026-03-04 11:00"), fixed=False),
]  # fmt: skip


VISITED_TICKETS = [
    {"ticket_id": t, "customer_id": c, "opened_at": bxl("2026-03-01 08:00"), "status": "open",
     "category": "internet"}
    for t, c in (("T1", "C1"), ("T2", "C2"), ("T3", "C3"))
]  # fmt: skip


def _ftf(tmp_path, horizon: str):
    rows = {
        "customers": CUSTOMERS,
        "tickets": VISITED_TICKETS,
        "appointments": VISITS,
        "messages": [message("M1", "C5", horizon)],
    }
    return build(tmp_path, rows)


def _ftf_flags(con) -> dict[str, Any]:
    return flags(con, "select ticket_id, is_first_time_fix from intermediate.int_tickets__visited")


def test_first_time_fix_refix_inside_an_unfinished_window_is_not_counted(tmp_path):
    # Edge case: T1's refix and T3's failed visit already happened, but every refix window
    # (30 days from 2–4 March) ends after the horizon (Tuesday 10 March). By hand: 0 of 0.
    con = _ftf(tmp_path, "2026-03-10 10:00")
    assert _ftf_flags(con) == {"T1": None, "T2": None, "T3": None}
    assert metric(con, "first_time_fix_rate", W10) == (0, 0, None)


def test_first_time_fix_once_the_window_has_elapsed(tmp_path):
    # Same visits, horizon 6 April: windows to 1, 2 and 3 April have ended. By hand: T1 refixed
    # (false), T2 held (true), T3 not fixed (false) → 1 / 3.
    con = _ftf(tmp_path, "2026-04-06 10:00")
    assert _ftf_flags(con) == {"T1": False, "T2": True, "T3": False}
    assert metric(con, "first_time_fix_rate", W10) == (1, 3, pytest.approx(1 / 3))


# ---------------------------------------------------------------- callback after a drop (2 h)


def _dropped(call_id: str, customer: str) -> dict[str, Any]:
    """Dropped by the system at 10:00 Monday: the callback window runs to 12:00."""
    return call(call_id, "2026-03-02 09:50", "2026-03-02 10:00", customer,
                answered="2026-03-02 09:51", party="system")  # fmt: skip


DROP_CALLS = [
    # C1 had to call again at 10:30 (a recall, a failure), and was called back at 11:00
    _dropped("D1", "C1"),
    call("R1", "2026-03-02 10:30", "2026-03-02 10:35", "C1", answered="2026-03-02 10:31",
         party="customer"),
    call("B1", "2026-03-02 11:00", "2026-03-02 11:05", "C1", direction="outbound",
         answered="2026-03-02 11:00", party="agent"),
    # C2 was called back at 10:20, no recall
    _dropped("D2", "C2"),
    call("B2", "2026-03-02 10:20", "2026-03-02 10:25", "C2", direction="outbound",
         answered="2026-03-02 10:20", party="agent"),
    # C3: nothing yet
    _dropped("D3", "C3"),
]  # fmt: skip

DROP_FLAGS = (
    "select call_id, (has_callback, is_customer_recall) from core.fct_calls "
    "where call_id in ('D1', 'D2', 'D3')"
)


def _drops(tmp_path, horizon: str | None):
    rows: dict[str, Any] = {"customers": CUSTOMERS, "calls": DROP_CALLS}
    if horizon:
        rows["messages"] = [message("M1", "C5", horizon)]
    return build(tmp_path, rows)


def test_callback_and_recall_inside_an_unfinished_window_are_not_counted(tmp_path):
    # Edge case: the last contact is B1 at 11:00, before the windows end at 12:00; C1's recall
    # and both callbacks already happened. By hand: nothing settled → 0 of 0 for both rates.
    con = _drops(tmp_path, None)
    assert flags(con, DROP_FLAGS) == {"D1": (None, None), "D2": (None, None), "D3": (None, None)}
    assert metric(con, "callback_rate_after_drop", W10) == (0, 0, None)
    assert metric(con, "customer_recall_after_drop", W10) == (0, 0, None)


def test_callback_and_recall_once_the_window_has_elapsed(tmp_path):
    # Same calls, horizon 12:30: windows ended. By hand: called back D1, D2 → 2 / 3; C1 called
    # again before its callback → recall 1 / 3; D3 neither.
    con = _drops(tmp_path, "2026-03-02 12:30")
    assert flags(con, DROP_FLAGS) == {
        "D1": (True, True),
        "D2": (True, False),
        "D3": (False, False),
    }
    assert metric(con, "callback_rate_after_drop", W10) == (2, 3, pytest.approx(2 / 3))
    assert metric(con, "customer_recall_after_drop", W10) == (1, 3, pytest.approx(1 / 3))


# ---------------------------------------------------------------- repair within target

TICKETS = [
    # Reported Monday 2 March 09:00: target end of Wednesday 4 March (2 working days after).
    # K1 is restored the same afternoon (a success known early), K2 is still open.
    {"ticket_id": "K1", "customer_id": "C1", "opened_at": bxl("2026-03-02 09:00"),
     "restored_at": bxl("2026-03-02 15:00"), "status": "resolved", "category": "internet"},
    {"ticket_id": "K2", "customer_id": "C2", "opened_at": bxl("2026-03-02 09:00"),
     "status": "open", "category": "internet"},
]  # fmt: skip


def _repairs(tmp_path, horizon: str):
    messages = [message("M1", "C5", horizon)]
    return build(tmp_path, {"customers": CUSTOMERS, "tickets": TICKETS, "messages": messages})


REPAIR_FLAGS = "select ticket_id, is_restored_within_target from core.fct_tickets"


def test_repair_target_not_passed_is_not_counted(tmp_path):
    # Edge case: K1 came back within target, but the target (Thursday 5 March 00:00) is after
    # the horizon (Tuesday 3 March 10:00). By hand: 0 of 0.
    con = _repairs(tmp_path, "2026-03-03 10:00")
    assert flags(con, REPAIR_FLAGS) == {"K1": None, "K2": None}
    assert metric(con, "restored_within_target", W10) == (0, 0, None)


def test_repair_target_once_passed(tmp_path):
    # Same tickets, horizon Thursday 5 March 10:00. By hand: K1 within, K2 missed → 1 / 2.
    con = _repairs(tmp_path, "2026-03-05 10:00")
    assert flags(con, REPAIR_FLAGS) == {"K1": True, "K2": False}
    assert metric(con, "restored_within_target", W10) == (1, 2, 0.5)
