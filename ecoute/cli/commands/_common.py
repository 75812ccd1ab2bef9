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
