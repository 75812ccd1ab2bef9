"""The report in French and Dutch: words from the message tables and the metric catalogue,
numbers and dates the locale's way, and no English label left in a French report."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest

from ecoute.core.db import connect
from ecoute.reports.i18n import LANGUAGES, LanguageError, lang, language_of, messages
from ecoute.reports.metrics import CATALOGUE
from ecoute.reports.weekly import collect, render, text_summary
from tests.reports._report_fixtures import W10

NBSP = ("\u202f", "\u00a0")


def _plain(text: str) -> str:
    """Narrow and ordinary no-break spaces read as a space (CLDR's French group separator)."""
    for space in NBSP:
        text = text.replace(space, " ")
    return text


def test_numbers_and_dates_in_each_locale():
    day = dt.date(2026, 6, 29)
    assert _plain(lang("fr").num(1234.5, 1)) == "1 234,5"
    assert lang("fr").date(day) == "29 juin 2026"
    assert lang("nl").num(1234.5, 1) == "1.234,5"
    assert lang("nl").date(day) == "29 juni 2026"
    assert lang("en").num(1234.5, 1) == "1,234.5"
    assert lang("en").date(day) == "29 June 2026"
    assert _plain(lang("fr").pct(0.032)) == "3,2 %"


def test_every_language_has_every_message():
    english = set(messages("en"))
    for code in LANGUAGES:
        assert set(messages(code)) == english, code


def test_language_comes_from_the_option_then_the_settings(tiny):
    assert language_of(tiny) == "en"
    assert language_of(tiny.with_overrides(report={"language": "nl"})) == "nl"
    assert language_of(tiny.with_overrides(report={"language": "nl"}), "fr") == "fr"
    with pytest.raises(LanguageError, match="use one of en, fr, nl"):
        language_of(tiny, "de")


def _visible_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return _plain(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)))


def english_leaks(text: str, code: str) -> list[str]:
    """English UI phrases (of the English message table, and the catalogue's English labels)
    found in `text`, where the `code` table says something else. Only phrases of two words
    or more are looked for: a single word (``score``, ``Communication``) can be the same in
    both languages, or appear in data (a customer's subject)."""
    english, other = messages("en"), messages(code)
    translated = " ".join(other.values())
    phrases = set()
    for key, value in english.items():
        if other[key] == value:
            continue
        for piece in re.split(r"\{[a-z_]+\}", value):
            piece = _plain(piece).strip(" .,:;()—–·!")
            if " " in piece and piece not in translated:
                phrases.add(piece)
    for metric in CATALOGUE.metrics:
        en, local = metric.text("en"), metric.text(code)
        if en != local and " " in en:
            phrases.add(en)
    return sorted(p for p in phrases if p in text)


def _ours(report, text: str) -> str:
    """The text without the alert rules' names: those are the operator's words, not ours."""
    for rule in report.context["rules"]:
        text = text.replace(rule.name, "")
    return text


@pytest.fixture
def french(tiny):
    con = connect(tiny, read_only=True)
    try:
        return collect(con, tiny.with_overrides(report={"language": "fr"}), W10)
    finally:
        con.close()


def test_a_french_report_has_no_english_label(french):
    page = render(french, "full")
    assert '<html lang="fr">' in page
    text = _ours(french, _visible_text(page))
    assert english_leaks(text, "fr") == []
    # the metric labels are the catalogue's French ones; the header's dates are French
    assert CATALOGUE["dropped_call_rate"].text("fr") in text
    assert "2 mars – 8 mars 2026" in text
    assert "40,0 %" in text  # two dropped of five answered calls (as "40.0 %" in English)
    assert "Rapport de service hebdomadaire" in text
    email = _ours(french, _visible_text(render(french, "email")))
    assert english_leaks(email, "fr") == []
    assert english_leaks(_ours(french, text_summary(french)), "fr") == []


def test_the_leak_check_can_fail(tiny):
    """The same check finds the English labels in an English report."""
    con = connect(tiny, read_only=True)
    try:
        english = collect(con, tiny, W10)
    finally:
        con.close()
    leaks = english_leaks(_visible_text(render(english, "full")), "fr")
    assert "Filters and parameters in force" in leaks


def test_dutch_numbers_in_the_alerts(tiny):
    con = connect(tiny, read_only=True)
    try:
        dutch = collect(con, tiny, W10, language="nl")
    finally:
        con.close()
    alerts = dutch.context["alerts"]
    assert alerts and all("waargenomen" in a["text"] for a in alerts)
    assert any("40,0 %" in a["text"] for a in alerts)
