"""The language of the report, the alerts, the e-mail and the dashboard: en, fr or nl.

Metric labels come from the metric catalogue (``warehouse/metrics.yml`` holds them in every
language); every other word a reader sees comes from one message table per language,
``reports/messages/<lang>.toml`` (flat keys, ``{name}`` placeholders, as gettext would hold
them). Numbers and dates are written the locale's way by Babel's CLDR data, which ships with
the package (no network): ``1 234,5`` and ``29 juin 2026`` in French, ``1.234,5`` and
``29 juni 2026`` in Dutch.

The language is ``[report] language`` unless a command's ``--lang`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).with_name("messages")
LANGUAGES = ("en", "fr", "nl")


class LanguageError(ValueError):
    """An unknown language, or a message table that lacks a key English has."""


def language_of(settings: Any, override: str | None = None) -> str:
    """The language asked for: `override` (``--lang``), else ``[report] language``, else en."""
    code = override or (settings.section("report").get("language") if settings else None) or "en"
    code = str(code).strip().lower()
    if code not in LANGUAGES:
        raise LanguageError(
            f"unknown report language {code!r}: use one of {', '.join(LANGUAGES)} "
            "([report] language or --lang)"
        )
    return code


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= _flatten(value, f"{name}.")
        else:
            out[name] = str(value)
    return out


@cache
def messages(code: str) -> dict[str, str]:
    """The message table of a language (every key of English must be there)."""
    path = MESSAGES / f"{code}.toml"
    with path.open("rb") as fh:
        table = _flatten(tomllib.load(fh))
    if code != "en":
        missing = sorted(set(messages("en")) - set(table))
        if missing:
            raise LanguageError(f"{path}: no translation for {', '.join(missing[:5])}")
    return table


@dataclass(frozen=True)
class Lang:
    """Words, numbers and dates in one language."""

    code: str = "en"

    def t(self, key: str, **values: Any) -> str:
        """The message `key`, its ``{placeholders}`` filled in."""
        text = messages(self.code)[key]
        return text.format(**values) if values else text

    def opt(self, key: str, default: str) -> str:
        """The message `key` when the table has one (a data value's name), else `default`."""
        return messages(self.code).get(key, default)

    def flag(self, flag: str) -> str:
        """A journey event's flag in words: ``intent:billing`` reads "intent: billing"."""
        _, _, intent = flag.partition(":")
        if intent:
            return f"{self.t('flag.intent')}: {self.opt(f'intent.{intent}', intent.replace('_', ' '))}"
        return self.opt(f"flag.{flag}", flag.replace("_", " "))

    def n(self, key: str, count: float, **values: Any) -> str:
        """A message with a singular (``key.one``) and a plural (``key.other``) form."""
        form = "one" if count == 1 else "other"
        return self.t(f"{key}.{form}", count=self.num(count), **values)

    def label(self, metric: str) -> str:
        """A metric's label from the catalogue (the metric's name when it is not one)."""
        from ecoute.reports.metrics import CATALOGUE

        found = CATALOGUE.get(metric)
        return found.text(self.code) if found is not None else metric

    def num(self, value: float | None, decimals: int = 0) -> str:
        """A number with the locale's grouping and decimal mark (– when missing)."""
        if value is None:
            return "–"
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.code)

    def signed(self, value: float, decimals: int = 1) -> str:
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        return sign + self.num(abs(value), decimals)

    def pct(self, ratio: float | None, decimals: int = 1) -> str:
        """A share (0..1) as a percentage: 3.2 %, 3,2 %."""
        return "–" if ratio is None else f"{self.num(ratio * 100, decimals)} %"

    def date(self, day: dt.date | None) -> str:
        """A day written out: 29 June 2026, 29 juin 2026, 29 juni 2026."""
        return "–" if day is None else self._fmt_date(day, "d MMMM y")

    def day_month(self, day: dt.date) -> str:
        return self._fmt_date(day, "d MMMM")

    def short_date(self, day: dt.date) -> str:
        """29 Jun 2026, 29 juin 2026: the dashboard's one date format."""
        return self._fmt_date(day, "d MMM y")

    def when(self, moment: dt.datetime | None) -> str:
        """A moment to the minute: 29 Jun 2026 14:05."""
        if moment is None:
            return "–"
        from babel.dates import format_datetime

        return format_datetime(moment, "d MMM y HH:mm", locale=self.code)

    def _fmt_date(self, day: dt.date, pattern: str) -> str:
        from babel.dates import format_date

        return format_date(day, pattern, locale=self.code)


@cache
def lang(code: str = "en") -> Lang:
    if code not in LANGUAGES:
        raise LanguageError(f"unknown report language {code!r}: use one of {', '.join(LANGUAGES)}")
    messages(code)  # a table missing a key fails here, not half-way through a page
    return Lang(code)


EN = Lang("en")
