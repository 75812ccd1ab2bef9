"""What is owed, as the build stored it: the query of ``core.fct_compensation`` that both the
model's ``owed_table`` and the ``ecoute compensation`` read use.

Kept apart from :mod:`ecoute.warehouse.python.compensation` on purpose: that module imports
polars and the rule engine (~0.5 s), which a read of a few hundred stored rows does not need.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ecoute.core.sql_literals import literal
from ecoute.warehouse.python import sql


def owed_sql(week: str | None, customer_id: str | None, pack: str | None) -> str:
    """The rows of core.fct_compensation, optionally for one ISO week (`2026-W14`, by the date
    the compensation first became due), one customer and one pack."""
    start, end = iso_week_bounds(week) if week else (None, None)
    params = {"week_start": start, "week_end": end, "customer_id": customer_id, "pack": pack}
    # Values as literals: binding a Python value makes DuckDB import pandas (~1 s of a read).
    return re.sub(r"\$([a-z_]+)\b", lambda m: literal(params[m.group(1)]),
                  sql("compensation", "owed_table"))  # fmt: skip


def iso_week_bounds(week: str) -> tuple[date, date]:
    """`2026-W14` -> (Monday 2026-03-30, Monday 2026-04-06): half-open."""
    try:
        year, number = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError as err:
        raise ValueError(f"week must look like 2026-W14, not {week!r}") from err
    return monday, monday + timedelta(days=7)
