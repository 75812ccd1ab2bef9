"""Naive local time → UTC as plain SQL arithmetic, because ICU conversions cost ~10× more.

For a zone whose years each have at most one summer-time period (Europe/Brussels and most
northern zones), the offset of a naive local time is a lookup by year: standard offset, and the
summer offset between the period's start and end in wall-clock time. Other zones, and years
outside 1970–2100, use DuckDB's ``timezone()`` (ICU). Both follow one rule at the edges:
a wall time in the spring-forward gap and one in the repeated fall-back hour are read with
the standard offset (for the repeated hour: the later of the two instants).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1970, 2100


@dataclass(frozen=True)
class YearRule:
    std_s: int
    dst_s: int | None = None
    start_wall: dt.datetime | None = None  # summer time from here (wall clock, summer)
    end_wall: dt.datetime | None = None  # until here (wall clock, standard)


def local_to_utc_sql(naive: str, tz: str) -> str:
    """SQL turning the TIMESTAMP expression ``naive`` (local time in ``tz``) into a TIMESTAMPTZ."""
    rules = yearly_rules(tz)
    icu = f"timezone('{tz}', {naive})"
    if rules is None:
        return icu
    std = "[" + ", ".join(str(r.std_s) for r in rules) + "]"
    dst = "[" + ", ".join(str(r.dst_s if r.dst_s is not None else r.std_s) for r in rules) + "]"
    starts = "[" + ", ".join(_ts(r.start_wall) for r in rules) + "]"
    ends = "[" + ", ".join(_ts(r.end_wall) for r in rules) + "]"
    i = f"(year({naive}) - {FIRST_YEAR - 1})"
    in_summer = f"({naive} >= {starts}[{i}] and {naive} < {ends}[{i}])"
    offset = f"case when coalesce({in_summer}, false) then {dst}[{i}] else {std}[{i}] end"
    # to_timestamp(seconds), not cast(… as timestamptz): the cast goes through ICU and costs 6×
    # this whole expression. A double holds every microsecond of 1970–2100 exactly enough for
    # to_timestamp to round back to it (checked over millions of values).
    fast = f"to_timestamp((epoch_us({naive}) - ({offset})::bigint * 1000000) / 1e6)"
    return (
        f"(case when year({naive}) between {FIRST_YEAR} and {LAST_YEAR} then {fast} else {icu} end)"
    )


def _ts(value: dt.datetime | None) -> str:
    return f"timestamp '{value:%Y-%m-%d %H:%M:%S}'" if value else "null::timestamp"


@lru_cache(maxsize=32)
def yearly_rules(tz: str) -> tuple[YearRule, ...] | None:
    """One rule per year 1970–2100, or None when the zone does not fit the one-summer shape."""
    zone = ZoneInfo(tz)
    rules = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        rule = _year_rule(zone, year)
        if rule is None:
            return None
        rules.append(rule)
    return tuple(rules)


def _year_rule(zone: ZoneInfo, year: int) -> YearRule | None:
    changes = _changes(zone, year)
    start_off = _offset(zone, dt.datetime(year, 1, 1, tzinfo=dt.UTC))
    if not changes:
        return YearRule(std_s=start_off)
    if len(changes) != 2:
        return None
    (t1, before1, after1), (t2, before2, after2) = changes
    if not (after1 > before1 and after2 < before2 and before1 == after2 and after1 == before2):
        return None  # a southern-hemisphere summer or a change of standard offset
    start_wall = (t1 + dt.timedelta(seconds=after1)).replace(tzinfo=None)
    end_wall = (t2 + dt.timedelta(seconds=after2)).replace(tzinfo=None)
    return YearRule(std_s=before1, dst_s=after1, start_wall=start_wall, end_wall=end_wall)


def _changes(zone: ZoneInfo, year: int) -> list[tuple[dt.datetime, int, int]]:
    """Instants (UTC) in the year where the offset changes, found day by day then minute by minute."""
    out = []
    day = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    prev = _offset(zone, day)
    while day.year == year:
        nxt = day + dt.timedelta(days=1)
        off = _offset(zone, nxt)
        if off != prev:
            lo, hi = day, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if _offset(zone, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append((hi.replace(second=0, microsecond=0), prev, off))
            prev = off
        day = nxt
    return out


def _offset(zone: ZoneInfo, instant: dt.datetime) -> int:
    return int(instant.astimezone(zone).utcoffset().total_seconds())
