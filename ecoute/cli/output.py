"""Printing a result table as a rich table, CSV or JSON — the same for every command."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(frame: Any, fmt: str, title: str = "") -> None:
    """Write a polars DataFrame to stdout in the requested format."""
    if fmt == "csv":
        sys.stdout.write(frame.write_csv())
    elif fmt == "json":
        sys.stdout.write(
            json.dumps(frame.to_dicts(), default=str, ensure_ascii=False, indent=2) + "\n"
        )
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title or None)
        for name in frame.columns:
            table.add_column(name, overflow="fold")
        for row in frame.iter_rows():
            table.add_row(*("" if v is None else str(v) for v in row))
        Console(width=None if sys.stdout.isatty() else 200).print(table)
    else:
        raise SystemExit(f"error: unknown --format {fmt!r} (table, csv or json)")
