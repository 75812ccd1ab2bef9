"""Local calendar days, working days and time intervals, as the rules count them.

Rules speak of "calendar days" and "working days" in the customer's country, so instants
(UTC in the warehouse) are turned into local dates here, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Interval = tuple[datetime, datetime]


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date of `instant` in `tz`."""
    return instant.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> Interval:
    """Local midnight to next local midnight, as UTC instants: 23 or 25 h on DST days.

    UTC because Python subtracts two datetimes sharing a tzinfo by wall clock, which would
    make every day 24 hours long.
    """
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def in_utc(instant: datetime) -> datetime:
    """The same instant on the UTC clock, so that differences are elapsed time."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant}: instants must be timezone-aware")
    return instant.astimezone(UTC)


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    # Cached per year: the holidays package builds its table lazily and that is slow-ish.
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def is_working_day(day: date, country: str, subdivision: str | None = None) -> bool:
    """Monday to Friday and not a public holiday of the country (and subdivision)."""
    return day.weekday() < 5 and day not in _holidays(country, subdivision, day.year)


def holiday_name(day: date, country: str, subdivision: str | None = None) -> str | None:
    """The public holiday's name, for traces; None on an ordinary day."""
    return _holidays(country, subdivision, day.year).get(day)


def subtract(span: Interval, holes: Iterable[Interval]) -> list[Interval]:
    """Parts of `span` not covered by any of `holes` (half-open intervals), in order."""
    parts = [span]
    for hole_start, hole_end in sorted(holes):
        next_parts: list[Interval] = []
        for start, end in parts:
            if hole_end <= start or hole_start >= end:
                next_parts.append((start, end))
                continue
            if start < hole_start:
                next_parts.append((start, hole_start))
            if hole_end < end:
                next_parts.append((hole_end, end))
        parts = next_parts
    return parts


def overlap(a: Interval, b: Interval) -> timedelta:
    """How long two half-open intervals overlap (zero if they do not)."""
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))
