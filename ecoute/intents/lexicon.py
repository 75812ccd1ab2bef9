"""Load the per-language YAML lexicons, merge operator extensions, compile the regexes.

A lexicon file holds, for one language: negation settings, negative words (for severity) and,
per intent, a list of regex patterns plus whether and how negation cancels a hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ecoute.intents.lemmas import forms_of, lemma
from ecoute.intents.normalize import fold_pattern

LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")
LEXICON_DIR = Path(__file__).parent / "lexicons"

INTENTS: tuple[str, ...] = (
    "churn_threat",
    "ombudsman_threat",
    "compensation_request",
    "apology_request",
    "missed_appointment",
    "no_callback",
    "dropped_call",
    "repeat_contact",
    "outage",
    "wifi",
    "fixed_phone",
    "billing",
)


@dataclass(frozen=True)
class IntentRules:
    """Compiled rules for one intent in one language."""

    name: str
    pattern: re.Pattern[str]
    negatable: bool
    negators: re.Pattern[str] | None
    window: int
    not_after: re.Pattern[str] | None  # tokens right before the trigger that void it
    # Subject pronouns: the one nearest before the trigger in its clause says who acts.
    others: re.Pattern[str] | None = None  # "when they charged off the debt and cancelled it"
    selves: re.Pattern[str] | None = None  # "they told me I could cancel"


@dataclass(frozen=True)
class ConceptRule:
    """An intent read from a negated clause: a negation plus one of these lemmas in the same
    scope ("il ne rappelle jamais", "niemand is gekomen", "without anyone arriving")."""

    intent: str
    any_actor: frozenset[str]  # words (folded, as written): nouns such as "réponse", "nieuws"
    other_actor: frozenset[str]  # verb lemmas that count only when the customer is not the subject
    context: re.Pattern[str] | None  # the message must also mention this (a technician...)
    # Forms of the other_actor lemmas from the shipped table (lemmas.py); None: ask simplemma.
    forms: frozenset[str] | None = None
    # a verb followed by one of these is someone on the line not answering ("ne répond pas à
    # mes questions"), not an answer that never came
    live_after: frozenset[str] = frozenset()

    def acts(self, raw: str, folded: str, language: str) -> bool:
        """True if the word (lower case as written; folded) is a form of a verb lemma."""
        return is_form(raw, folded, self.other_actor, self.forms, language)


def is_form(
    raw: str, folded: str, lemmas: frozenset[str], forms: frozenset[str] | None, language: str
) -> bool:
    """True if the word is a form of one of lemmas: the shipped forms, else simplemma."""
    if forms is not None:
        return raw in forms or folded in lemmas
    return lemma(raw, language) in lemmas


@dataclass(frozen=True)
class FinalVerbRule:
    """A stance said by its verb alone: the customer is the subject, and a verb of the list
    ends the clause, nothing after it but `tail` words ("je vais changer !", "fin du mois je
    décale.", "I'm leaving."). With an object after it the verb means something else ("je vais
    changer de box"), so it does not count."""

    intent: str
    verbs: frozenset[str]  # lemmas, folded
    tail: frozenset[str]  # words that may follow the verb before the clause ends
    forms: frozenset[str] | None = None
    others_before: frozenset[str] = frozenset()  # a word just before the verb naming another

    def acts(self, raw: str, folded: str, language: str) -> bool:
        return is_form(raw, folded, self.verbs, self.forms, language)


@dataclass(frozen=True)
class ClauseRules:
    """How one language marks negation, who acts and reported speech inside a clause."""

    negators: re.Pattern[str] | None  # whole folded tokens that negate a clause on their own
    ne: frozenset[str]  # French "ne": with ne_negators it negates ("ne ... plus")
    ne_negators: frozenset[str]
    self_subjects: frozenset[str]  # "je", "I", "ik", "ich": the customer acts
    reported: re.Pattern[str] | None  # cues of reported speech or a quoted rule before a trigger
    concepts: tuple[ConceptRule, ...] = ()
    after_negators: frozenset[str] = frozenset()  # negators that follow the verb ("kam nicht")
    window: int = 4  # how many tokens before a concept a negator may stand
    final_verbs: tuple[FinalVerbRule, ...] = ()


@dataclass(frozen=True)
class LanguageRules:
    """Everything the classifier needs for one language."""

    language: str
    intents: tuple[IntentRules, ...]
    blockers: re.Pattern[str] | None
    post_window: int
    post_negators: re.Pattern[str] | None
    negative_words: re.Pattern[str] | None
    clause: ClauseRules | None = None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge an extension on top of a lexicon: lists are appended, scalars replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [v for v in value if v not in merged[key]]
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or data.get("language") not in LANGUAGES:
        raise ValueError(f"{path}: a lexicon needs 'language' set to one of {LANGUAGES}")
    return data


def load_raw(extra_lexicons: tuple[Path, ...] = ()) -> dict[str, dict[str, Any]]:
    """Built-in lexicons per language with every extra lexicon merged on top, in order."""
    raw = {lang: _read_yaml(LEXICON_DIR / f"{lang}.yaml") for lang in LANGUAGES}
    for path in extra_lexicons:
        data = _read_yaml(Path(path))
        raw[data["language"]] = _merge(raw[data["language"]], data)
    return raw


def _alternation(patterns: list[str], *, boundary: bool = True) -> re.Pattern[str] | None:
    """One compiled regex for a list of patterns; "'" also accepts a space or nothing."""
    if not patterns:
        return None
    parts = ["(?:" + fold_pattern(p).replace("'", "['\\s]?") + ")" for p in patterns]
    # One shared lookbehind in front of the alternation, not one per branch: the regex
    # engine then scans ~10x faster (measured with python -m bench.intents).
    prefix = r"(?<!\w)" if boundary else ""
    return re.compile(prefix + "(?:" + "|".join(parts) + ")")


def _whole_words(patterns: list[str]) -> re.Pattern[str] | None:
    """Negators and blockers must match whole tokens, so bound them on both sides."""
    return _alternation([p + r"(?!\w)" for p in patterns])


def _compile_intent(name: str, spec: dict[str, Any], negation: dict[str, Any]) -> IntentRules:
    pattern = _alternation(list(spec.get("patterns", [])))
    if pattern is None:
        raise ValueError(f"intent {name} has no patterns")
    negators = spec.get("negators", negation.get("negators", []))
    subject = spec.get("subject", {}) or {}
    return IntentRules(
        name=name,
        pattern=pattern,
        negatable=bool(spec.get("negatable", False)),
        negators=_whole_words(list(negators)),
        window=int(spec.get("window", negation.get("window", 3))),
        not_after=_whole_words(list(spec.get("not_after", []))),
        others=_exact_token(subject.get("others", [])),
        selves=_exact_token(subject.get("self", [])),
    )


def _exact_token(words: list[str]) -> re.Pattern[str] | None:
    """A pattern that matches one whole token from the list."""
    return re.compile("(?:" + "|".join(fold_pattern(w) for w in words) + r")\Z") if words else None


def _words(items: list[str]) -> frozenset[str]:
    return frozenset(fold_pattern(w).lower() for w in items)


def _token_regex(patterns: list[str]) -> re.Pattern[str] | None:
    """Full-token regex: a negator list entry must match a whole folded token."""
    if not patterns:
        return None
    return re.compile("(?:" + "|".join(fold_pattern(p) for p in patterns) + r")\Z")


def _concept(name: str, rule: dict[str, Any], language: str) -> ConceptRule:
    other_actor = _words(list(rule.get("other_actor", [])))
    return ConceptRule(
        intent=name,
        any_actor=_words(list(rule.get("any_actor", []))),
        other_actor=other_actor,
        context=_alternation(list(rule.get("context", []))),
        forms=forms_of(language, other_actor),
        live_after=_words(list(rule.get("live_after", []))),
    )


def compile_clause(spec: dict[str, Any] | None, language: str) -> ClauseRules | None:
    """Compile a lexicon's `clause:` section (negation across the verb, who acts, reported
    speech, concept rules)."""
    if not spec:
        return None
    concepts = tuple(
        _concept(name, rule, language) for name, rule in (spec.get("concepts", {}) or {}).items()
    )
    final_verbs = tuple(
        FinalVerbRule(
            intent=name,
            verbs=_words(list(rule.get("verbs", []))),
            tail=_words(list(rule.get("tail", []))),
            others_before=_words(list(rule.get("others_before", []))),
            forms=forms_of(language, _words(list(rule.get("verbs", [])))),
        )
        for name, rule in (spec.get("final_verbs", {}) or {}).items()
    )
    return ClauseRules(
        final_verbs=final_verbs,
        negators=_token_regex(list(spec.get("negators", []))),
        ne=_words(list(spec.get("ne", []))),
        ne_negators=_words(list(spec.get("ne_negators", []))),
        self_subjects=_words(list(spec.get("self", []))),
        reported=_alternation(list(spec.get("reported", []))),
        concepts=concepts,
        after_negators=_words(list(spec.get("after_negators", []))),
        window=int(spec.get("window", 4)),
    )


def compile_language(data: dict[str, Any]) -> LanguageRules:
    """Compile one merged lexicon dict."""
    negation = data.get("negation", {}) or {}
    intents = tuple(
        _compile_intent(name, spec or {}, negation)
        for name, spec in (data.get("intents", {}) or {}).items()
    )
    return LanguageRules(
        language=data["language"],
        intents=intents,
        blockers=_whole_words(list(negation.get("blockers", []))),
        post_window=int(negation.get("post_window", 0)),
        post_negators=_whole_words(list(negation.get("negators", []))),
        negative_words=_alternation(list(data.get("negative_words", []))),
        clause=compile_clause(data.get("clause"), data["language"]),
    )


@lru_cache(maxsize=16)
def load_rules(extra_lexicons: tuple[Path, ...] = ()) -> dict[str, LanguageRules]:
    """Compiled rules per language; cached, so lexicon files are read once per extension set."""
    return {lang: compile_language(data) for lang, data in load_raw(extra_lexicons).items()}
