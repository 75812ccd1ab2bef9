"""Worked examples for each rule kind, through the shipped packs, computed by hand.

Each docstring shows the hand computation; times are local wall-clock times of the pack's
country (Brussels for be_*, London for uk_*). Rules read: docs/compensation.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecoute.compensation import ActivationIncident, Pause

from ._helpers import appointment, bxl, ldn, owed, ticket, total

BE = "be_outage_2024"
UK = "uk_ofcom_auto"
SWITCH = "be_easy_switch"


# --- be_outage_2024: outage_tiered -----------------------------------------------------------

def test_seven_hour_outage_earns_nothing():
    """09:00 -> 16:00 = 7 h, not more than 8 h: €0."""
    assert owed(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-02 16:00"))) == []


def test_exactly_eight_hours_earns_nothing_one_minute_more_earns_one_euro():
    """09:00 -> 17:00 = 8 h: "more than 8 hours" is not met, €0.
    09:00 -> 17:01 = 8 h 01: one started 24-hour period, €1.00."""
    assert owed(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-02 17:00"))) == []
    assert total(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-02 17:01"))) == Decimal("1.00")


def test_exactly_24_hours_is_one_period_24h01_is_two():
    """Mon 09:00 -> Tue 09:00 = 24 h: "after 24 hours" not yet reached, 1 period, €1.00.
    Mon 09:00 -> Tue 09:01: the second period has started, €1.00 + €1.00 = €2.00."""
    assert total(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-03 09:00"))) == Decimal("1.00")
    assert total(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-03 09:01"))) == Decimal("2.00")


def test_three_days():
    """Mon 09:00 -> Thu 09:00 = 72 h = 3 periods: €1.00 + €1.00 + €0.50 = €2.50.
    One minute more starts a 4th period: + €0.50 = €3.00."""
    three_days = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"))
    result = owed(BE, three_days)
    assert [o.amount for o in result] == [Decimal("2.50")]
    assert [p["amount"] for p in result[0].trace_data["periods"]] == ["1.00", "1.00", "0.50"]
    assert result[0].accrued_date == date(2026, 3, 2)  # 17:00 Monday, when 8 h were passed
    assert total(BE, ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:01"))) == Decimal("3.00")


def test_fee_floor_wins_over_flat_euros():
    """Fee €45/month: 1/30 = €1.50 a period beats €1/€1/€0.50.
    3 days -> 3 x €1.50 = €4.50 (flat would be €2.50)."""
    outage = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"), fee="45.00")
    result = owed(BE, outage)
    assert result[0].amount == Decimal("4.50")
    assert "1/30 of fee €45.00 = €1.50" in result[0].trace


def test_fee_floor_is_compared_per_period():
    """Fee €24: 1/30 = €0.80. 3 days: max(1, 0.80) + max(1, 0.80) + max(0.50, 0.80)
    = €2.80 (comparing totals instead would give max(2.50, 2.40) = €2.50)."""
    outage = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"), fee="24.00")
    assert total(BE, outage) == Decimal("2.80")


def test_fee_floor_rounds_the_total_not_each_period():
    """Fee €50: 1/30 = €1.6666…; 2 periods -> €3.3333… -> €3.33 (not 2 x €1.67 = €3.34)."""
    outage = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-03 10:00"), fee="50.00")
    assert total(BE, outage) == Decimal("3.33")


def test_periods_are_elapsed_hours_across_the_dst_change():
    """Sat 2026-03-28 20:00 -> Sun 2026-03-29 20:30 local: the clocks went forward that
    night, so 23.5 h really elapsed (not 24.5): one period, €1.00."""
    outage = ticket(bxl("2026-03-28 20:00"), bxl("2026-03-29 20:30"))
    assert total(BE, outage) == Decimal("1.00")


def test_weekends_and_holidays_do_not_matter_to_the_belgian_outage():
    """Good Friday 2026-04-03 18:00 -> Easter Tuesday 2026-04-07 09:00 = 87 h:
    4 started periods, €1 + €1 + €0.50 + €0.50 = €3.00; Easter Monday changes nothing."""
    outage = ticket(bxl("2026-04-03 18:00"), bxl("2026-04-07 09:00"))
    assert total(BE, outage) == Decimal("3.00")


def test_degraded_service_is_excluded():
    """service_loss partial for 3 days: degraded, not an interruption: €0, reason given."""
    degraded = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"), service_loss="partial")
    assert owed(BE, degraded) == []
    [nil] = owed(BE, degraded, include_nil=True)
    assert nil.amount == 0 and "degraded service" in nil.trace


def test_in_home_wiring_is_excluded_however_spelled():
    """root_cause 'In-home wiring' (as an export writes it) = in_home_wiring: €0."""
    wiring = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"), root_cause="In-home wiring")
    assert owed(BE, wiring) == []
    assert "root cause in_home_wiring" in owed(BE, wiring, include_nil=True)[0].trace


def test_unrecorded_service_loss_is_not_a_total_outage():
    """service_loss empty: a total loss is not shown, €0 (reason given with include_nil)."""
    unknown = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"), service_loss=None)
    assert owed(BE, unknown) == []


def test_clock_starts_at_a_recorded_network_outage():
    """Network outage from 01:00, customer reports 09:00, restored 10:00: 9 h > 8 h, €1.00
    (counting from the report it would be 1 h and nothing)."""
    outage = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-02 10:00"),
                    outage_started_at=bxl("2026-03-02 01:00"))
    result = owed(BE, outage)
    assert result[0].amount == Decimal("1.00")
    assert result[0].trace_data["start_basis"] == "network outage started"


def test_before_the_law_was_in_force_nothing_is_owed():
    """2024-10-28 09:00 -> 2024-10-31 09:00: every period is due before 2024-11-01: €0."""
    assert owed(BE, ticket(bxl("2024-10-28 09:00"), bxl("2024-10-31 09:00"))) == []


def test_outage_still_running_is_valued_as_of_the_cut_off():
    """Opened Mon 09:00, not restored; as of Wed 12:00 = 51 h = 3 periods: €2.50 so far.
    Without as_of nothing is computed (the engine never reads the clock)."""
    running = ticket(bxl("2026-03-02 09:00"), None)
    assert total(BE, running, as_of=bxl("2026-03-04 12:00")) == Decimal("2.50")
    assert owed(BE, running) == []


# --- uk_ofcom_auto: per_day_after_working_days -----------------------------------------------

def test_uk_repair_across_easter_weekend_and_bank_holidays():
    """Reported Thu 2026-04-02 15:00. Fri 3 (Good Friday), Sat 4, Sun 5, Mon 6 (Easter Monday)
    are not working days; Tue 7 = 1st, Wed 8 = 2nd full working day. Restored Fri 10 11:00:
    Thu 9 and Fri 10 owed at £10.34 (from 2026-04-01) = £20.68."""
    [result] = owed(UK, ticket(ldn("2026-04-02 15:00"), ldn("2026-04-10 11:00")))
    assert result.amount == Decimal("20.68")
    assert result.trace_data["working_days_counted"] == ["2026-04-07", "2026-04-08"]
    assert [d["date"] for d in result.trace_data["days_owed"]] == ["2026-04-09", "2026-04-10"]
    assert "2026-04-06 (public holiday: Easter Monday)" in result.trace
    assert result.accrued_date == date(2026, 4, 9)


def test_uk_rate_change_report_on_30_march():
    """Reported Mon 2026-03-30 10:00; Tue 31 Mar = 1st, Wed 1 Apr = 2nd working day.
    Restored Mon 6 Apr 12:00: days owed Thu 2, Fri 3, Sat 4, Sun 5, Mon 6 Apr, all accruing
    after 1 April, so all at £10.34 (not the £9.76 in force on the report date) = £51.70."""
    [result] = owed(UK, ticket(ldn("2026-03-30 10:00"), ldn("2026-04-06 12:00")))
    assert result.amount == Decimal("51.70")
    assert {d["rate_from"] for d in result.trace_data["days_owed"]} == {"2026-04-01"}


def test_uk_rate_change_mid_repair_each_day_takes_its_own_rate():
    """Reported Thu 2026-03-26 10:00; Fri 27 = 1st, Mon 30 = 2nd working day. Restored
    Thu 2 Apr 09:00: Tue 31 Mar £9.76 (2024 rate) + Wed 1 Apr £10.34 + Thu 2 Apr £10.34
    = £30.44."""
    [result] = owed(UK, ticket(ldn("2026-03-26 10:00"), ldn("2026-04-02 09:00")))
    assert [(d["date"], d["amount"]) for d in result.trace_data["days_owed"]] == [
        ("2026-03-31", "9.76"), ("2026-04-01", "10.34"), ("2026-04-02", "10.34")]
    assert result.amount == Decimal("30.44")


def test_uk_2024_rate_stays_in_force_through_2025():
    """No 2025 rate is listed: a day in June 2025 takes the 2024 rate, £9.76.
    Reported Mon 2025-06-09 10:00; Tue 10, Wed 11 working days; restored Thu 12 08:00:
    Thu 12 owed = £9.76."""
    assert total(UK, ticket(ldn("2025-06-09 10:00"), ldn("2025-06-12 08:00"))) == Decimal("9.76")


def test_uk_repaired_on_the_second_working_day_owes_nothing():
    """Reported Mon 2026-05-11 10:00, restored Wed 13 23:00: within 2 full working days."""
    assert owed(UK, ticket(ldn("2026-05-11 10:00"), ldn("2026-05-13 23:00"))) == []


def test_uk_clock_stops_while_the_customer_misses_an_appointment():
    """Reported Mon 2026-05-11 10:00. Customer absent at Tue 12 08:00; a new visit booked
    Fri 15 10:00: clock stopped Tue 12 08:00 -> Fri 15 10:00. Tue 12 and Fri 15 are not full
    working days, Wed 13 and Thu 14 are stopped, Sat/Sun are weekend; Mon 18 = 1st, Tue 19 =
    2nd. Restored Fri 22 11:00: Wed 20, Thu 21, Fri 22 owed = 3 x £10.34 = £31.02.
    (Without the pause: Thu 14 .. Fri 22 = 9 days = £93.06.)"""
    pause = Pause(ldn("2026-05-12 08:00"), ldn("2026-05-15 10:00"), "customer absent")
    stopped = ticket(ldn("2026-05-11 10:00"), ldn("2026-05-22 11:00"), pauses=(pause,))
    assert total(UK, stopped) == Decimal("31.02")
    assert total(UK, ticket(ldn("2026-05-11 10:00"), ldn("2026-05-22 11:00"))) == Decimal("93.06")


def test_uk_customer_choosing_a_later_slot_pauses_the_clock():
    """Reported Mon 2026-05-11 10:00; earliest slot offered Tue 12 08:00, customer chose
    Mon 18 08:00; restored Mon 18 11:00. Paused Tue 12 08:00 -> Mon 18 08:00: no full
    working day ever passes, nothing owed. Without the earliest-offered field there is no
    pause: Tue 12, Wed 13 working days, Thu 14 .. Mon 18 = 5 days = £51.70."""
    pause = Pause(ldn("2026-05-12 08:00"), ldn("2026-05-18 08:00"), "later slot chosen")
    assert owed(UK, ticket(ldn("2026-05-11 10:00"), ldn("2026-05-18 11:00"), pauses=(pause,))) == []
    assert total(UK, ticket(ldn("2026-05-11 10:00"), ldn("2026-05-18 11:00"))) == Decimal("51.70")


def test_uk_repair_still_open_as_of_the_cut_off():
    """Reported Mon 2026-05-11 10:00, unrepaired; as of Fri 15 12:00: Tue 12, Wed 13 working
    days; Thu 14 and Fri 15 (so far) owed = £20.68."""
    running = ticket(ldn("2026-05-11 10:00"), None)
    assert total(UK, running, as_of=ldn("2026-05-15 12:00")) == Decimal("20.68")


def test_uk_degraded_service_is_excluded():
    """service_loss partial for 10 days: not a total loss of service, £0."""
    slow = ticket(ldn("2026-05-11 10:00"), ldn("2026-05-21 10:00"), service_loss="partial")
    assert owed(UK, slow) == []


# --- per_event: missed appointments ----------------------------------------------------------

def test_cancelled_23_hours_before_is_missed_25_hours_before_is_not():
    """Window Tue 2026-05-12 08:00-12:00. Cancelled Mon 09:00 = 23 h notice < 24 h:
    £32.31 (UK, 2026 rate) / €30 (Easy Switch). Cancelled Mon 07:00 = 25 h notice: nothing."""
    start, end = ldn("2026-05-12 08:00"), ldn("2026-05-12 12:00")
    late = appointment(start, end, "cancelled_by_operator", cancelled_at=ldn("2026-05-11 09:00"))
    early = appointment(start, end, "cancelled_by_operator", cancelled_at=ldn("2026-05-11 07:00"))
    assert total(UK, late) == Decimal("32.31")
    assert owed(UK, early) == []
    bstart, bend = bxl("2026-05-12 08:00"), bxl("2026-05-12 12:00")
    b_late = appointment(bstart, bend, "cancelled_by_operator",
                         cancelled_at=bxl("2026-05-11 09:00"))
    b_early = appointment(bstart, bend, "cancelled_by_operator",
                          cancelled_at=bxl("2026-05-11 07:00"))
    assert total(SWITCH, b_late) == Decimal("30.00")
    assert owed(SWITCH, b_early) == []


def test_notice_counts_from_when_the_customer_was_told():
    """Cancelled Mon 07:00 (25 h) but the customer only told Mon 09:00 (23 h): missed, £32.31."""
    appt = appointment(ldn("2026-05-12 08:00"), ldn("2026-05-12 12:00"), "cancelled_by_operator",
                       cancelled_at=ldn("2026-05-11 07:00"), notified_at=ldn("2026-05-11 09:00"))
    [result] = owed(UK, appt)
    assert result.amount == Decimal("32.31") and "customer told" in result.trace


def test_no_show_late_arrival_and_customer_absence():
    """No-show: £32.31. Technician arriving 12:30 after a 08:00-12:00 window: £32.31.
    Customer absent: the operator did not miss it, £0."""
    start, end = ldn("2026-05-12 08:00"), ldn("2026-05-12 12:00")
    assert total(UK, appointment(start, end, "no_show")) == Decimal("32.31")
    late = appointment(start, end, "completed", arrived_at=ldn("2026-05-12 12:30"))
    assert total(UK, late) == Decimal("32.31")
    assert owed(UK, appointment(start, end, "customer_absent")) == []


def test_missed_appointment_takes_the_rate_of_its_day():
    """No-show on 2026-03-31: £30.49 (2024 rate); on 2026-04-01: £32.31."""
    march = appointment(ldn("2026-03-31 08:00"), ldn("2026-03-31 12:00"), "no_show")
    april = appointment(ldn("2026-04-01 08:00"), ldn("2026-04-01 12:00"), "no_show")
    assert total(UK, march) == Decimal("30.49")
    assert total(UK, april) == Decimal("32.31")


# --- per_day_late_activation -----------------------------------------------------------------

def _activation(promised: date, activated: str | None, city=ldn) -> ActivationIncident:
    return ActivationIncident("ACT1", "C1", promised, city(activated) if activated else None)


def test_late_activation_per_day():
    """Promised 2026-05-11, active Wed 13 10:00: Tue 12 and Wed 13 late = 2 days:
    UK 2 x £6.46 = £12.92; Easy Switch 2 x €6 = €12.00. Active Mon 11 23:00: on time."""
    assert total(UK, _activation(date(2026, 5, 11), "2026-05-13 10:00")) == Decimal("12.92")
    late_be = _activation(date(2026, 5, 11), "2026-05-13 10:00", city=bxl)
    assert total(SWITCH, late_be) == Decimal("12.00")
    assert owed(UK, _activation(date(2026, 5, 11), "2026-05-11 23:00")) == []
