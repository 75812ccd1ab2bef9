"""Every command prints data through here: a table, CSV or JSON, the same for every command.

Operator data (message bodies, quarantined records, reasons such as ``is outside [a, b]``) is
text, never markup: on a terminal a rich table is given ``Text`` cells and a console with markup
off; anywhere else (a pipe, a log, cron) the table is plain aligned text at its full width, so no
value is ever cut to fit 80 columns. Numbers carry thousands separators and instants are shown in
the operator's time zone in tables; JSON keeps numbers as numbers, lists as lists and instants as
ISO 8601 with their offset; exact decimals (money) are strings such as "4.50".
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMATS = ("table", "json", "csv")
FORMAT_HELP = "table (aligned text), json or csv."


def check_format(fmt: str) -> str:
    """The format, or exit 2 naming the three that exist."""
    if fmt not in FORMATS:
        from ecoute.cli.commands._common import fail

        fail(f"--format must be table, json or csv, got {fmt!r}", 2)
    return fmt


def records_of(data: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows of a polars DataFrame or a list of dicts."""
    if hasattr(data, "to_dicts"):
        return list(data.columns), data.to_dicts()
    rows = [dict(r) for r in data]
    names = list(dict.fromkeys(k for r in rows for k in r))  # every key, first seen first
    return names, [{n: r.get(n) for n in names} for r in rows]


def emit(
    data: Any,
    fmt: str,
    title: str = "",
    *,
    tz: str | None = None,
    json_columns: Iterable[str] = (),
    columns: Sequence[str] | None = None,
    empty: str = "",
) -> None:
    """Write rows (polars DataFrame or list of dicts) to stdout as table, json or csv.

    `json_columns` hold JSON text in the warehouse (a quarantined record): JSON output parses
    them so a reader gets objects, not strings holding JSON. `empty` is said (on stderr, in table
    form) when there is no row, so an empty answer is never a bare header."""
    check_format(fmt)
    names, rows = records_of(data)
    if columns is not None:
        names, rows = list(columns), [{c: r.get(c) for c in columns} for r in rows]
    if fmt == "json":
        parsed = set(json_columns)
        out = [{k: _parsed(v) if k in parsed else v for k, v in r.items()} for r in rows]
        write_json(out)
    elif fmt == "csv":
        write_csv(names, rows)
    else:
        if not rows and empty:
            say(empty)
            return
        table(names, [[cell(r[n], tz) for n in names] for r in rows], title,
              numeric=[_numeric(rows, n) for n in names])  # fmt: skip


def write_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default))
    sys.stdout.write("\n")


def write_csv(names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for r in rows:
        writer.writerow([_csv_value(r.get(n)) for n in names])
    sys.stdout.write(out.getvalue())


def say(text: str = "", err: bool = False) -> None:
    """One line of plain text (never markup) to stdout, or stderr."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def table(
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    title: str = "",
    *,
    numeric: Sequence[bool] | None = None,
    stream: Any = None,
) -> None:
    """Cells already formatted as text: a rich table on a terminal, plain aligned text elsewhere."""
    stream = stream or sys.stdout
    numeric = list(numeric or [False] * len(header))
    if _is_terminal(stream):
        _rich_table(header, body, title, numeric, stream)
        return
    lines = [title, ""] if title else []
    lines += plain_lines(header, body, numeric)
    stream.write("\n".join(lines) + "\n")


def plain_lines(
    header: Sequence[str], body: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None
) -> list[str]:
    """Columns padded to their widest value (never cut), numbers right-aligned."""
    numeric = list(numeric or [False] * len(header))
    rows = [[_one_line(c) for c in r] for r in body]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if numeric[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return [line(header)] + [line(r) for r in rows]


def cell(value: Any, tz: str | None = None) -> str:
    """One value as a person reads it: 1,234 · 0.25 · 2026-07-01 12:00:00 (local) · a, b."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | decimal.Decimal):
        return number(float(value))
    if isinstance(value, dt.datetime):
        return local_time(value, tz)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, tz) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def number(value: float, decimals: int = 3) -> str:
    """1,234.5 — thousands separators, at most `decimals` decimals, no trailing zeros."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def local_time(value: dt.datetime, tz: str | None) -> str:
    """An instant in the operator's zone (naive values are already local)."""
    if value.tzinfo is not None and tz:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(tz))
    return value.strftime("%Y-%m-%d %H:%M:%S")  # one width in a column: seconds always


def _numeric(rows: Sequence[Mapping[str, Any]], name: str) -> bool:
    values = [r[name] for r in rows if r.get(name) is not None]
    return bool(values) and all(
        isinstance(v, int | float | decimal.Decimal) and not isinstance(v, bool) for v in values
    )


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def _parsed(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # money stays exact: "4.50", never 4.5000000001
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return str(value)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return value


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _rich_table(header, body, title, numeric, stream) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=Text(title) if title else None)
    for name, num in zip(header, numeric, strict=True):
        grid.add_column(Text(name), justify="right" if num else "left", overflow="fold")
    for row in body:
        grid.add_row(*(Text(c) for c in row))
    Console(file=stream, markup=False, highlight=False, emoji=False).print(grid)
