"""Helpers shared by the command modules: settings from the context, output, errors."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import NoReturn

import typer

from ecoute.core.settings import Settings


def settings_of(ctx: typer.Context) -> Settings:
    """The settings built once by the top-level callback."""
    return ctx.find_root().obj


def fail(message: str, code: int = 1) -> NoReturn:
    """Exit with a one-line reason on stderr."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(week: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W27``."""
    m = _WEEK.match(week.strip())
    if not m:
        fail(f"--week must look like 2026-W27, got {week!r}", 2)
    try:
        return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        fail(f"no such ISO week: {week}", 2)


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def timezone_of(settings: Settings) -> str:
    """The operator's zone: human output shows instants in it."""
    return str(settings.metrics.get("timezone") or "UTC")


def sql(name: str) -> str:
    """A query of ``ecoute/cli/sql/<name>.sql``."""
    from pathlib import Path

    return (Path(__file__).parents[1] / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def row_limit(limit: int, top: int | None) -> int:
    """--limit, or --top, the name some commands used before (hidden, still accepted)."""
    return limit if top is None else top


def _listed(values: list[str], most: int = 12) -> str:
    shown = ", ".join(values[:most])
    return shown + (f", … ({len(values):,} in all)" if len(values) > most else "")


def require_region(con, region: str | None) -> None:  # noqa: ANN001 - a DuckDB connection
    """An unknown region is a typo, not a region with no events: exit 2 naming those that exist."""
    if region is None:
        return
    regions = [r for (r,) in con.execute(sql("regions")).fetchall()]
    if region not in regions:
        fail(f"unknown region {region!r}; the warehouse holds: {_listed(regions) or 'none'}", 2)


def require_week(con, monday: dt.date) -> None:  # noqa: ANN001
    """A week outside the data's span is an error, never an empty green answer. A week inside it
    with no event of some kind is a real week whose counts are zero."""
    weeks = [w for (w,) in con.execute(sql("weeks")).fetchall()]
    if not weeks:
        fail("the warehouse holds no week of data yet: run `ecoute load DIR`", 2)
    if weeks[0] <= monday <= weeks[-1]:
        return
    span = f"{week_label(weeks[0])} to {week_label(weeks[-1])}"
    fail(f"no data for week {week_label(monday)}; the warehouse holds {span}", 2)


def legacy_format(fmt: str) -> str:
    """`text`, the old name of `table` in some commands, is still accepted."""
    return "table" if fmt == "text" else fmt
