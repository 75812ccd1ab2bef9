"""Time for the demo world: integer seconds since the Unix epoch (UTC), Europe/Brussels local time.

Everything is simulated in UTC seconds (numpy int64, ``NA`` = missing). Events anchored to the
local clock (call arrivals by hour of week, technician windows 08:00–18:00, reminders the evening
before) go through ``utc`` and ``local``, which use per-hour offsets computed once from the tz
database, so the spring-forward and fall-back days are right.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

TZ = "Europe/Brussels"
NA = np.int64(-1)
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400


class Clock:
    """Local ↔ UTC conversion over a span of days around the generated window."""

    def __init__(self, first_monday: dt.date, weeks: int, margin_days: int = 200) -> None:
        tz = ZoneInfo(TZ)
        self.first_monday = first_monday
        base = dt.datetime.combine(first_monday, dt.time(0)) - dt.timedelta(days=margin_days)
        self.base_local = int(base.replace(tzinfo=dt.UTC).timestamp())  # naive local as if UTC
        hours = (weeks * 7 + 2 * margin_days) * 24
        offsets = np.empty(hours, dtype=np.int64)
        for h in range(hours):  # a few thousand hours, not rows
            local = base + dt.timedelta(hours=h)
            offsets[h] = int(local.replace(tzinfo=tz).utcoffset().total_seconds())
        self._local_offset = offsets
        self.start_local = self.base_local + margin_days * DAY
        self.start = int(self.utc(np.array([self.start_local]))[0])
        self.end_local = self.start_local + weeks * WEEK
        self.cutoff = int(self.utc(np.array([self.end_local]))[0])

    def utc(self, local: np.ndarray) -> np.ndarray:
        """UTC seconds for naive local seconds (a time in the spring gap reads as standard time)."""
        idx = np.clip((local - self.base_local) // HOUR, 0, len(self._local_offset) - 1)
        return local - self._local_offset[idx]

    def local(self, utc: np.ndarray) -> np.ndarray:
        """Naive local seconds for UTC seconds."""
        guess = utc + self._local_offset[np.clip((utc - self.base_local) // HOUR, 0,
                                                 len(self._local_offset) - 1)]  # fmt: skip
        idx = np.clip((guess - self.base_local) // HOUR, 0, len(self._local_offset) - 1)
        return utc + self._local_offset[idx]

    def local_midnight(self, utc: np.ndarray, days_after: np.ndarray | int = 0) -> np.ndarray:
        """Naive local seconds of local midnight of the day of ``utc`` (plus ``days_after``)."""
        loc = self.local(utc)
        return loc - loc % DAY + np.asarray(days_after, dtype=np.int64) * DAY

    def week_start(self, week: int) -> int:
        return int(self.utc(np.array([self.start_local + week * WEEK]))[0])


def weekday_of_local(local: np.ndarray) -> np.ndarray:
    """0 = Monday for naive local seconds (1970-01-01 was a Thursday)."""
    return (local // DAY + 3) % 7


def hour_of_local(local: np.ndarray) -> np.ndarray:
    return (local % DAY) // HOUR
