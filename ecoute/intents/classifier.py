"""Classify one complaint text: language, intents (each with its trigger phrase), severity.

Pure: the only I/O is reading the lexicons once (cached) and building the language detector
lazily on first use. No clock, no network.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ecoute.intents import clauses
from ecoute.intents.clauses import Span
from ecoute.intents.lexicon import (
    LANGUAGES,
    ClauseRules,
    ConceptRule,
    FinalVerbRule,
    IntentRules,
    LanguageRules,
    load_rules,
)
from ecoute.intents.normalize import Folded, fold

if TYPE_CHECKING:
    from lingua import LanguageDetector

# How much each intent alone pushes severity up (see docs/intents.md for the formula).
INTENT_WEIGHTS: dict[str, float] = {
    "ombudsman_threat": 0.6,
    "churn_threat": 0.5,
    "missed_appointment": 0.35,
    "compensation_request": 0.3,
    "no_callback": 0.3,
    "repeat_contact": 0.3,
    "outage": 0.3,
    "apology_request": 0.25,
    "dropped_call": 0.25,
    "billing": 0.15,
    "wifi": 0.1,
    "fixed_phone": 0.1,
}
DEFAULT_WEIGHT = 0.2  # intents an operator adds through an extra lexicon
TONE_SHARE = 0.5  # tone (angry words, "!!!", CAPS) can add at most half of the remaining room

_TOKEN = re.compile(r"[\w']+")
# Negation does not reach across a sentence, a comma or a "but".
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n()]|(?<!\w)(?:mais|but|maar|aber)(?!\w)")


@dataclass(frozen=True)
class IntentHit:
    """One detected intent and why.

    phrase: the exact substring of the input that triggered it (method "pattern" or
    "negated_concept"), or the n-gram features that weighed most (method "model").
    clause: the clause of the input it was read in (split at ; . ! ? and line breaks).
    """

    intent: str
    phrase: str
    clause: str = ""
    method: str = "pattern"


@dataclass(frozen=True)
class Classification:
    """Result for one message. language is None when it could not be determined."""

    language: str | None
    intents: list[IntentHit] = field(default_factory=list)
    severity: float = 0.0
    tone: float = field(default=0.0, compare=False, repr=False)
    # intents whose trigger the rules read and voided (negated, reported, someone else acts):
    # the learned model may not add them back (see combine.py)
    voided: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def intent_names(self) -> list[str]:
        """Intent names in detection order."""
        return [hit.intent for hit in self.intents]


@cache
def _detector() -> LanguageDetector:
    """Build the lingua detector on first use only: it loads models (slow, memory)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.FRENCH, Language.DUTCH, Language.GERMAN, Language.ENGLISH
    ).build()


def _iso(language: object) -> str | None:
    return None if language is None else language.iso_code_639_1.name.lower()  # type: ignore[attr-defined]


def detect_language(text: str) -> str | None:
    """fr|nl|de|en for one text, or None if lingua cannot decide."""
    return _iso(_detector().detect_language_of(text)) if text.strip() else None


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """Batch detection on all cores (lingua's parallel API)."""
    if not texts:
        return []
    detected = _detector().detect_languages_in_parallel_of(list(texts))
    return [
        _iso(lang) if text.strip() else None for lang, text in zip(detected, texts, strict=True)
    ]


def normalize_language(language: str | None) -> str | None:
    """A given language code if it is one we support ('FR ' -> 'fr'), else None."""
    if language is None:
        return None
    code = language.strip().lower()[:2]
    return code if code in LANGUAGES else None


def _clause_tokens_before(text: str, start: int, limit: int = 160) -> list[str]:
    """Tokens between the last clause break and start."""
    before = text[max(0, start - limit) : start]
    pieces = _CLAUSE_BREAK.split(before)
    return _TOKEN.findall(pieces[-1] if pieces else "")


def _clause_tokens_after(text: str, end: int, limit: int = 60) -> list[str]:
    after = text[end : end + limit]
    return _TOKEN.findall(_CLAUSE_BREAK.split(after)[0])


def _other_subject(before: list[str], rule: IntentRules) -> bool:
    """True when the nearest subject pronoun before the trigger, in its clause, is someone
    else's ("they charged off the debt and cancelled it"), not the customer's ("me", "I")."""
    if rule.others is None:
        return False
    for token in reversed(before):
        if rule.selves is not None and rule.selves.match(token):
            return False
        if rule.others.match(token):
            return True
    return False


def _is_negated(text: str, match: re.Match[str], rule: IntentRules, lang: LanguageRules) -> bool:
    """True if the trigger is voided: someone else is the agent (not_after), or a negator
    governs it and no blocker says the customer was obstructed."""
    before = _clause_tokens_before(text, match.start())
    if rule.not_after is not None and rule.not_after.search(" ".join(before[-2:])):
        return True  # someone else is the agent ("they have canceled", "votre résiliation")
    if _other_subject(before, rule):
        return True
    if not rule.negatable or rule.negators is None:
        return False
    negated = bool(rule.negators.search(" ".join(before[-rule.window :])))
    if not negated and lang.post_window and lang.post_negators is not None:
        # Verb-second languages negate after the verb ("ich kündige nicht", "zeg niet op").
        after = _clause_tokens_after(text, match.end())[: lang.post_window]
        inside = _TOKEN.findall(match.group(0))
        negated = bool(lang.post_negators.search(" ".join(inside[1:] + after)))
    if negated and lang.blockers is not None:
        negated = not lang.blockers.search(" ".join(before[-(rule.window + 3) :]))
    return negated


@dataclass
class _Reading:
    """What is known about one text while its intents are read: clauses, quotes."""

    original: str
    folded: Folded
    clauses: list[Span]
    quoted: list[Span]

    @classmethod
    def of(cls, text: str) -> _Reading:
        return cls(text, fold(text), clauses.clause_spans(text), clauses.quoted_spans(text))

    def clause_text(self, start: int) -> str:
        span = clauses.clause_at(self.clauses, start)
        return "" if span is None else self.original[span.start : span.end].strip()


def _crosses_clause(matched: str, strict: bool) -> bool:
    """A match that runs over a clause end reads two clauses as one. Stance intents (strict)
    stop at ; . ! ? and line breaks; intents negative by nature ("rdv à 14h. toujours
    personne") may join sentences but never cross a ; or a line break."""
    inner = matched.rstrip(".!?…;\n ")
    return clauses.ends_a_clause(inner) if strict else any(c in inner for c in ";\n")


def _reported(reading: _Reading, start: int, end: int, clause: ClauseRules | None) -> bool:
    """True if the trigger is quoted or reported: a contract clause, a law, someone's words."""
    if clauses.inside(reading.quoted, start, end):
        return True
    if clause is None or clause.reported is None:
        return False
    span = clauses.clause_at(reading.clauses, start)
    if span is None:
        return False
    return bool(clause.reported.search(reading.folded.text[span.start : start]))


def _ne_spans_verb(text: str, match: re.Match[str], lang: LanguageRules) -> bool:
    """French negation around the verb: "ne" just before, pas/plus/jamais just after
    ("je ne résilierai pas", "je ne résilie plus rien")."""
    clause = lang.clause
    if clause is None or not clause.ne:
        return False
    before = _clause_tokens_before(text, match.start())[-2:]
    after = _clause_tokens_after(text, match.end())[:2]
    has_ne = any(t in clause.ne or t.split("'")[0] + "'" in clause.ne for t in before)
    negs = clause.ne_negators | {"pas", "jamais", "point"}
    return has_ne and any(t in negs for t in after)


def _first_hit(
    reading: _Reading, rule: IntentRules, lang: LanguageRules, voided: set[str]
) -> IntentHit | None:
    """The first match of rule that is not voided; the intent goes into voided when a match
    was read and voided (negated, reported, or someone else's act)."""
    text = reading.folded.text
    position = 0
    while (match := rule.pattern.search(text, position)) is not None:
        # a voided match must not hide a valid one that starts inside it
        position = match.start() + 1
        if match.end() == match.start() or _crosses_clause(match.group(0), rule.negatable):
            continue
        if _is_negated(text, match, rule, lang) or (
            rule.negatable
            and (
                _reported(reading, match.start(), match.end(), lang.clause)
                or _ne_spans_verb(text, match, lang)
            )
        ):
            voided.add(rule.name)
            continue
        start, end = reading.folded.span_to_original(match.start(), match.end())
        return IntentHit(
            rule.name, reading.original[start:end], reading.clause_text(start), "pattern"
        )
    return None


def _negator_near(toks: list[clauses.Token], index: int, clause: ClauseRules) -> int | None:
    """Index of a negator governing toks[index]: up to `window` tokens before it (ne ... plus
    needs its ne), or right after it for the negators the language puts after the verb
    ("il vient pas", "kwam niet", "kam nicht")."""
    has_ne = any(t.folded in clause.ne for t in toks[:index])
    for j in range(index - 1, max(-1, index - 1 - clause.window), -1):
        folded = toks[j].folded
        if (clause.negators is not None and clause.negators.match(folded)) or (
            has_ne and folded in clause.ne_negators
        ):
            return j
    for j in range(index + 1, min(len(toks), index + 3)):
        if toks[j].folded in clause.after_negators:
            return j
    return None


def _concept_hit(
    reading: _Reading, rule: ConceptRule, clause: ClauseRules, language: str
) -> IntentHit | None:
    """First concept governed by a negator in its scope, the customer not acting."""
    if rule.context is not None and not rule.context.search(reading.folded.text):
        return None
    for span in reading.clauses:
        for scope in clauses.scopes(reading.original, span):
            toks = clauses.tokens(reading.original, scope)
            if not any(clause.negators is not None and clause.negators.match(t.folded)
                       or t.folded in clause.after_negators for t in toks):  # fmt: skip
                continue
            for index, tok in enumerate(toks):
                noun = tok.folded in rule.any_actor
                if not noun and not rule.acts(tok.raw, tok.folded, language):
                    continue
                if not noun and any(t.folded in clause.self_subjects for t in toks[:index]):
                    continue  # "je ne peux pas passer": the customer is the one not coming
                following = toks[index + 1 : index + 5]
                if not noun and any(t.folded in rule.live_after for t in following):
                    continue  # "ne répond pas à mes questions": someone on the line
                j = _negator_near(toks, index, clause)
                if j is None:
                    continue
                first, last = sorted((toks[j], tok), key=lambda t: t.start)
                return IntentHit(
                    rule.intent,
                    reading.original[first.start : last.end],
                    reading.original[span.start : span.end].strip(),
                    "negated_concept",
                )
    return None


def find_intents(
    text: str, rules: Iterable[LanguageRules], voided: set[str] | None = None
) -> list[IntentHit]:
    """First hit per intent across the given language rule sets: a pattern that is not
    voided, else a negated concept of the clause rules. Intents with a voided match and no
    hit are added to voided when it is given."""
    reading = _Reading.of(text)
    hits: dict[str, IntentHit] = {}
    seen_voided: set[str] = set()
    rules = list(rules)
    for lang in rules:
        for rule in lang.intents:
            if rule.name in hits:
                continue
            hit = _first_hit(reading, rule, lang, seen_voided)
            if hit is not None:
                hits[rule.name] = hit
    for lang in rules:
        if lang.clause is None:
            continue
        for concept in lang.clause.concepts:
            if concept.intent not in hits:
                hit = _concept_hit(reading, concept, lang.clause, lang.language)
                if hit is not None:
                    hits[concept.intent] = hit
        for final in lang.clause.final_verbs:
            if final.intent not in hits:
                hit = _final_verb_hit(reading, final, lang.clause, lang.language)
                if hit is not None:
                    hits[final.intent] = hit
    if voided is not None:
        voided |= seen_voided - hits.keys()
    return list(hits.values())


def _final_verb_hit(
    reading: _Reading, rule: FinalVerbRule, clause: ClauseRules, language: str
) -> IntentHit | None:
    """First clause that ends on one of the rule's verbs, the customer its subject, not
    negated, quoted or reported ("je vais changer !", "fin du mois je décale")."""
    for span in reading.clauses:
        toks = clauses.tokens(reading.original, span)
        last = len(toks) - 1
        while last >= 0 and toks[last].folded in rule.tail:
            last -= 1
        if last < 1 or not rule.acts(toks[last].raw, toks[last].folded, language):
            continue
        if toks[last - 1].folded in rule.others_before:
            continue
        subject = next((t for t in reversed(toks[:last]) if t.folded in clause.self_subjects), None)
        if subject is None or _negator_near(toks, last, clause) is not None:
            continue
        if _reported(reading, toks[last].start, toks[last].end, clause):
            continue
        return IntentHit(
            rule.intent,
            reading.original[subject.start : toks[last].end],
            reading.original[span.start : span.end].strip(),
            "final_verb",
        )
    return None


_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def tone_score(text: str, rules: Iterable[LanguageRules]) -> float:
    """0..1 from negative words (0.5), exclamation marks (0.25) and shouting in CAPS (0.25)."""
    folded = fold(text).text
    negative = 0
    for lang in rules:
        if lang.negative_words is not None:
            negative += len(lang.negative_words.findall(folded))
    letters = len(_LETTER.findall(text))
    caps_ratio = len(_UPPER.findall(text)) / letters if letters >= 12 else 0.0
    caps = min(1.0, max(0.0, (caps_ratio - 0.3) / 0.4))
    return 0.5 * min(1.0, negative / 3) + 0.25 * min(1.0, text.count("!") / 3) + 0.25 * caps


def severity_score(intents: Iterable[str], tone: float) -> float:
    """1 - (1 - intent_part) * (1 - 0.5 * tone), intent_part = 1 - prod(1 - weight)."""
    intent_part = 1.0 - math.prod(1.0 - INTENT_WEIGHTS.get(i, DEFAULT_WEIGHT) for i in intents)
    return round(1.0 - (1.0 - intent_part) * (1.0 - TONE_SHARE * tone), 4)


def rules_for(
    language: str | None, extra_lexicons: Sequence[Path] | None = None
) -> list[LanguageRules]:
    """Rule sets to apply: the language's own, or all four when the language is unknown."""
    compiled = load_rules(tuple(Path(p) for p in extra_lexicons or ()))
    return [compiled[language]] if language in compiled else list(compiled.values())


def classify_parts(
    parts: Sequence[str | None],
    language: str | None,
    extra_lexicons: Sequence[Path] | None = None,
) -> Classification:
    """Classify several fields of one message (subject, body) with an already-known language.

    Each field is matched separately so a phrase never straddles two fields.
    """
    rules = rules_for(language, extra_lexicons)
    texts = [p for p in parts if p]
    hits: dict[str, IntentHit] = {}
    voided: set[str] = set()
    for text in texts:
        for hit in find_intents(text, rules, voided):
            hits.setdefault(hit.intent, hit)
    tone = tone_score("\n".join(texts), rules)
    ordered = [hits[name] for name in _intent_order(hits)]
    return Classification(
        language, ordered, severity_score(hits, tone), tone, frozenset(voided - hits.keys())
    )


def _intent_order(hits: dict[str, IntentHit]) -> list[str]:
    from ecoute.intents.lexicon import INTENTS

    known = [name for name in INTENTS if name in hits]
    return known + sorted(name for name in hits if name not in INTENTS)


def classify(
    text: str,
    language: str | None = None,
    *,
    extra_lexicons: Sequence[Path] | None = None,
) -> Classification:
    """Classify one customer message.

    Args:
        text: the message as the customer wrote it.
        language: fr|nl|de|en if known (it takes precedence over detection), else None.
        extra_lexicons: operator YAML files merged on top of the built-in lexicons.

    Returns:
        Classification with the language used, one IntentHit per intent found (its phrase is
        an exact substring of text) and a severity in [0, 1].
    """
    from ecoute.intents.combine import with_model

    lang = normalize_language(language) or detect_language(text)
    result = classify_parts([text], lang, extra_lexicons)
    return with_model([result], [text], tones=[result.tone])[0]
