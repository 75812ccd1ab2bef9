"""One small hand-written world around the cut-off 2026-03-15 (Brussels local midnight).

Each customer carries one edge case; test_features.py states what is counted, by hand.
- C1: drops without callback on 03-02 (counted), 03-14 23:00 (its 2-hour callback window
  ends after the cut-off: not yet), 03-20 (after), 2025-12-01 (before the 90-day window);
  one drop on 03-05 called back within the window (never counted).
- C2: a no-show on 03-05 nobody announced, an operator cancellation 12 h before the 03-10
  visit that was announced, and a no-show on 03-18 (after).
- C3: a total outage reported 02-27 09:00, restored 03-20 09:00: open 15.63 days at the cut-off.
- C4: writes on 03-10 that they will switch operator, on 03-16 (after) to the ombudsman.
- C5 left on 03-10 (before: not scored); C6 joined on 03-20 (after: not scored);
  C7 leaves on 03-20 (scored, and a churner within 28 days).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.warehouse._warehouse_fixtures import build, bxl, call

CUT = "2026-03-15"
# Rules weights the hand-computed scores use (test_rules.py, the SQL scorer's test).
RULE_WEIGHTS = {
    "intercept": -4.0,
    "dropped_without_callback": 0.5,
    "missed_visits_unannounced": 1.2,
    "open_repair_days": 0.05,
    "churn_threat_messages": 2.0,
    "new_customer": 0.5,
    "monthly_fee_per_100_eur": 0.3,
    "repeat_contacts": 0.1,
}


def _drop(call_id: str, start: str, end: str, customer: str = "C1") -> dict:
    return call(call_id, start, end, customer, answered=start + ":10", party="system")


def rows() -> dict[str, list[dict]]:
    customers = [
        {"customer_id": "C1", "customer_since": "2020-01-01", "monthly_fee": "50.00",
         "plan": "Internet Start", "segment": "residential",
         "extra": '{"Contract": "Month-to-month", "Score": "12.5"}'},
        {"customer_id": "C2", "customer_since": "2025-12-01", "monthly_fee": "90.00",
         "plan": "All-in", "segment": "residential", "extra": '{"Contract": "Two year"}'},
        {"customer_id": "C3", "customer_since": "2019-06-01", "monthly_fee": "40.00",
         "plan": "Internet Start", "segment": "business"},
        {"customer_id": "C4", "customer_since": "2022-01-01", "monthly_fee": "40.00",
         "plan": "Internet Start", "segment": "residential"},
        {"customer_id": "C5", "customer_since": "2021-01-01", "churned_at": "2026-03-10"},
        {"customer_id": "C6", "customer_since": "2026-03-20"},
        {"customer_id": "C7", "customer_since": "2018-01-01", "churned_at": "2026-03-20",
         "monthly_fee": "30.00", "plan": "Fixed line", "segment": "residential"},
    ]  # fmt: skip
    calls = [
        _drop("D0", "2025-12-01 09:00", "2025-12-01 09:05"),
        _drop("D1", "2026-03-02 09:00", "2026-03-02 09:05"),
        _drop("D3", "2026-03-14 23:00", "2026-03-14 23:05"),
        _drop("D2", "2026-03-20 09:00", "2026-03-20 09:05"),
        _drop("D4", "2026-03-05 10:00", "2026-03-05 10:05"),
        call("CB4", "2026-03-05 10:30", "2026-03-05 10:35", "C1", direction="outbound",
             answered="2026-03-05 10:30:05", party="agent"),
    ]  # fmt: skip
    appointments = [
        {"appointment_id": "A1", "customer_id": "C2", "booked_at": bxl("2026-03-01 10:00"),
         "window_start": bxl("2026-03-05 08:00"), "window_end": bxl("2026-03-05 12:00"),
         "status": "no_show"},
        {"appointment_id": "A3", "customer_id": "C2", "booked_at": bxl("2026-03-01 10:00"),
         "window_start": bxl("2026-03-10 08:00"), "window_end": bxl("2026-03-10 12:00"),
         "status": "cancelled_by_operator", "cancelled_at": bxl("2026-03-09 20:00"),
         "customer_notified_at": bxl("2026-03-09 20:05")},
        {"appointment_id": "A2", "customer_id": "C2", "booked_at": bxl("2026-03-12 10:00"),
         "window_start": bxl("2026-03-18 08:00"), "window_end": bxl("2026-03-18 12:00"),
         "status": "no_show"},
    ]  # fmt: skip
    tickets = [
        {"ticket_id": "T1", "customer_id": "C3", "opened_at": bxl("2026-02-27 09:00"),
         "status": "resolved", "category": "internet", "service_loss": "total",
         "restored_at": bxl("2026-03-20 09:00"), "resolved_at": bxl("2026-03-20 09:00")},
    ]  # fmt: skip
    messages = [
        {"message_id": "M1", "customer_id": "C4", "received_at": bxl("2026-03-10 09:00"),
         "channel": "email", "body": "Je change d'opérateur."},
        {"message_id": "M2", "customer_id": "C4", "received_at": bxl("2026-03-16 09:00"),
         "channel": "email", "body": "J'écris au médiateur."},
    ]  # fmt: skip
    return {"customers": customers, "calls": calls, "appointments": appointments,
            "tickets": tickets, "messages": messages}  # fmt: skip


INTENTS = [("M1", "churn_threat", "change d'opérateur"), ("M2", "ombudsman_threat", "médiateur")]


def small_world(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """The world above, loaded and built in a fresh warehouse file under tmp_path."""
    return build(tmp_path, rows(), intents=INTENTS)
