"""Working days and intervals, the building blocks of the day-counting rules."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ecoute.compensation import calendar as cal

from ._helpers import bxl


def test_belgian_and_english_holidays_are_not_working_days():
    """Easter Monday 2026-04-06 is a holiday in BE and England; Good Friday only in England;
    a Saturday never works; 2026-04-07 is an ordinary Tuesday."""
    assert not cal.is_working_day(date(2026, 4, 6), "BE")
    assert not cal.is_working_day(date(2026, 4, 6), "GB", "ENG")
    assert cal.is_working_day(date(2026, 4, 3), "BE")
    assert not cal.is_working_day(date(2026, 4, 3), "GB", "ENG")
    assert not cal.is_working_day(date(2026, 4, 4), "BE")
    assert cal.is_working_day(date(2026, 4, 7), "GB", "ENG")


def test_day_bounds_follow_dst():
    """Brussels 2026-03-29 (clocks forward) lasts 23 h; 2026-10-25 (back) lasts 25 h."""
    tz = ZoneInfo("Europe/Brussels")
    spring = cal.day_bounds(date(2026, 3, 29), tz)
    autumn = cal.day_bounds(date(2026, 10, 25), tz)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_subtract_cuts_holes_out_of_a_span():
    """[08:00, 18:00) minus [10:00, 12:00) and [17:00, 20:00) = [08, 10) and [12, 17)."""
    span = (bxl("2026-05-11 08:00"), bxl("2026-05-11 18:00"))
    holes = [(bxl("2026-05-11 17:00"), bxl("2026-05-11 20:00")),
             (bxl("2026-05-11 10:00"), bxl("2026-05-11 12:00"))]
    assert cal.subtract(span, holes) == [
        (bxl("2026-05-11 08:00"), bxl("2026-05-11 10:00")),
        (bxl("2026-05-11 12:00"), bxl("2026-05-11 17:00")),
    ]
