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

    def reason(self, reason: Any) -> str:
        """A churn-risk reason (``{code, value, text}``, or ecoute.risk.signals.Reason) in
        words: ``repeat_contacts`` with 4 reads "4 repeat contacts", "4 contacts répétés"."""
        return _say_reason(self, *_reason_fields(reason))

    def reasons(self, reasons: Any) -> list[str]:
        """A customer's reasons in words, in their order (none: an empty list)."""
        return [self.reason(r) for r in reasons or ()]

    def detail(self, kind: str, facts: Mapping[str, Any] | None) -> str:
        """A journey event's facts (``marts.rpt_customer__journey.facts``) in words:
        "inbound call, queue billing, waited 40 s, talked 3.5 min, outcome resolved"."""
        parts = _DETAILS.get(kind)
        if parts is None or facts is None:
            return ""
        return ", ".join(p for part in parts if (p := part(self, facts)))

    def count(self, value: float, decimals: int = 1) -> str:
        """A count or a number of days as the reasons say it: whole, or to at most
        ``decimals`` decimals (2.5, never 2.50)."""
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0." + "#" * decimals, locale=self.code)

    def n_count(self, key: str, count: float, decimals: int = 1) -> str:
        """``n`` with the count said by ``count`` (days without service: 2.21 days)."""
        form = "one" if count == 1 else "other"
        return self.t(f"{key}.{form}", count=self.count(count, decimals))

    def value(self, field: str, value: Any) -> str:
        """A data value of a closed list (a call's outcome, a visit's status) in words."""
        return self.opt(f"value.{field}.{value}", str(value).replace("_", " "))

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

    def axis_date(self, day: dt.date) -> str:
        """29 Jun, 29 juin: a date on a chart's time axis (the year is in the title)."""
        return self._fmt_date(day, "d MMM")

    def when(self, moment: dt.datetime | None) -> str:
        """A moment to the minute: 29 Jun 2026 14:05."""
        if moment is None:
            return "–"
        from babel.dates import format_datetime

        return format_datetime(moment, "d MMM y HH:mm", locale=self.code)

    def _fmt_date(self, day: dt.date, pattern: str) -> str:
        from babel.dates import format_date

        return format_date(day, pattern, locale=self.code)


def _reason_fields(reason: Any) -> tuple[str, float | None, str | None]:
    if isinstance(reason, str):  # a warehouse not rebuilt since reasons were sentences
        return "text", None, reason
    if isinstance(reason, Mapping):
        return str(reason["code"]), reason.get("value"), reason.get("text")
    return reason.code, reason.value, reason.text


# Reasons said with their count ("4 repeat contacts"), and how the count is rounded first.
_COUNTED = {
    "dropped_without_callback": None, "missed_visits_unannounced": None,
    "missed_visits_announced": None, "open_repair_days": int, "days_without_service": None,
    "restore_targets_missed": None, "long_repairs": None, "repeat_contacts": None,
    "unlogged_calls": None, "abandoned_calls": None, "days_since_last_failure": int,
    "contacts": None, "tickets_opened": None, "complaint_messages": None,
    "dropped_without_callback_recent": None, "missed_visits_recent": None,
    "long_repairs_recent": None, "abandoned_calls_recent": None, "contacts_recent": None,
    "missed_visits": None, "max_calls_per_ticket": int,
}  # fmt: skip
# Reasons that are a fact without a count (the customer wrote it).
_SAID = ("churn_threat_messages", "ombudsman_threat_messages", "compensation_request_messages")


def _say_reason(L: Lang, code: str, value: float | None, text: str | None) -> str:
    if code == "text":  # a sentence stored before reasons were data (docs/churn.md)
        return text or ""
    if code in _SAID:
        return L.t(f"risk_reason.{code}")
    if code == "tenure":
        return _tenure(L, value)
    if code == "monthly_fee":
        if value is None:
            return L.t("risk_reason.fee_unknown")
        return L.t("risk_reason.fee", amount=L.num(value))
    if code in _COUNTED and value is not None:
        rounding = _COUNTED[code]
        return L.n_count(f"risk_reason.{code}", rounding(value) if rounding else round(value, 1))
    # a category (plan, an extra attribute of the customer table), or a code this version
    # does not know: its name and its value, never nothing
    name = L.opt(f"risk_reason.attribute.{code}", code.removeprefix("extra."))
    shown = text if text is not None else ("–" if value is None else L.count(value))
    return L.t("risk_reason.attribute_value", name=name, value=shown)


def _tenure(L: Lang, days: float | None) -> str:
    if days is None:
        return L.t("risk_reason.tenure_unknown")
    months = int(days) // 30
    if months < 1:
        return L.t("risk_reason.tenure_new")
    if months < 24:
        return L.n("risk_reason.tenure_months", months)
    return L.n("risk_reason.tenure_years", months // 12)


def _fact(key: str, message: str, field: str | None = None) -> Any:
    """One piece of an event's detail: `message` with the fact `key` (skipped when missing);
    `field` names the closed list its value is said from."""

    def say(L: Lang, facts: Mapping[str, Any]) -> str:
        value = facts.get(key)
        if value is None:
            return ""
        if field is not None:
            value = L.value(field, value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = L.count(value)
        return L.t(f"detail.{message}", value=value)

    return say


def _answered(L: Lang, facts: Mapping[str, Any]) -> str:
    if not facts.get("answered"):
        return L.t("detail.not_answered")
    minutes = facts.get("handle_min")
    return "" if minutes is None else L.t("detail.talked", value=L.count(minutes))


def _reopened(L: Lang, facts: Mapping[str, Any]) -> str:
    count = facts.get("reopened")
    return "" if count is None else L.n("detail.reopened", count)


def _category(L: Lang, facts: Mapping[str, Any]) -> str:
    category = facts.get("category")
    said = L.t("detail.uncategorised") if category is None else L.value("category", category)
    return L.t("detail.ticket", value=said)


# What each kind of event says, in order (the mart's facts; docs/dashboard.md, Journeys).
_DETAILS: dict[str, tuple[Any, ...]] = {
    "call": (_fact("initiation", "call", "initiation"), _fact("queue", "queue"),
             _fact("agent", "agent"), _fact("wait_s", "waited"), _answered,
             _fact("outcome", "outcome", "outcome"), _fact("ticket", "about_ticket")),
    "ticket": (_category, _fact("status", "status", "ticket_status"),
               _fact("service_loss", "service_loss", "service_loss"), _reopened,
               _fact("outage", "outage")),
    "appointment": (_fact("status", "visit", "visit_status"), _fact("window_h", "window"),
                    _fact("lead_days", "booked"), _fact("technician", "technician"),
                    _fact("ticket", "about_ticket")),
    "message": (_fact("channel", "message", "channel"), _fact("subject", "subject")),
    "notification": (_fact("notification", "notification", "notification"),
                     _fact("channel", "by", "channel"), _fact("ref", "about")),
}  # fmt: skip


@cache
def lang(code: str = "en") -> Lang:
    if code not in LANGUAGES:
        raise LanguageError(f"unknown report language {code!r}: use one of {', '.join(LANGUAGES)}")
    messages(code)  # a table missing a key fails here, not half-way through a page
    return Lang(code)


EN = Lang("en")


def words_for(settings: Any, override: str | None = None) -> Lang:
    """The language a command speaks: ``--lang`` (`override`), else ``[report] language``."""
    return lang(language_of(settings, override))
