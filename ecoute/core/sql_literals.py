"""Values written into SQL text as literals, one set of rules for every caller.

The load, the metric and report queries and the quality suites inline their few values instead
of binding parameters: binding any Python value makes DuckDB's Python client import pandas,
one to three seconds per command. No imports beyond the standard library: the fast read paths
use this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def text(value: str) -> str:
    """Quote a string literal (a NUL character, which ends SQL text, is spliced in as chr(0))."""
    if "\x00" in value:
        return "(" + " || chr(0) || ".join(text(part) for part in value.split("\x00")) + ")"
    return "'" + value.replace("'", "''") + "'"


def literal(value: Any, *, naive_utc: bool = False) -> str:
    """``value`` as a SQL literal: null, booleans, numbers, instants (``timestamptz``, in UTC),
    dates, lists, else quoted text. A naive datetime is refused, or with ``naive_utc`` read as
    UTC: an instant without a zone is ambiguous, and the caller must say which it means."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and not naive_utc:
            raise ValueError("a naive datetime cannot be a query value")
        value = value.replace(tzinfo=value.tzinfo or dt.UTC).astimezone(dt.UTC)
        return f"timestamptz '{value.isoformat()}'"
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v, naive_utc=naive_utc) for v in value) + "]"
    return text(str(value))
