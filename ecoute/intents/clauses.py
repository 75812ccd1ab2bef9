"""Clause-aware reading of one text: where clauses end, which are negated (also when the
negation spans the verb, "il ne rappelle jamais"), who acts in them (the customer or someone
else), and which parts are quoted or reported speech.

Lemmas come from simplemma's dictionaries (through `lemmas.py`: a shipped table of the forms
the concepts need), so one concept ("rappeler", "komen", "come") covers every inflection of the
verb without a hand-written stem per form. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ecoute.intents.normalize import fold_char

# A clause ends at ; . ! ? … and at a line break. A dot between digits ("3.5 Mb") is no end.
_CLAUSE_END = re.compile(r"(?<!\d)[.!?…]+|[.!?…]+(?!\d)|[;\n]")
# Negation does not reach across a comma, a colon, brackets or a "but" inside a clause.
_SCOPE_BREAK = re.compile(r"[,:()]|(?<!\w)(?:mais|but|maar|aber)(?!\w)", re.IGNORECASE)
# French elision and English "n't" stay on the first word: "n'" + "est", "didn'" + "t".
_TOKEN = re.compile(r"\w+'(?=\w)|\w+")
# Quotation marks that open and close a quoted passage (straight double quotes pair up).
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"\n]*\"")


@dataclass(frozen=True)
class Span:
    """A [start, end) slice of the original text."""

    start: int
    end: int


def clause_spans(text: str) -> list[Span]:
    """Clauses of text, split at ; . ! ? … and line breaks, blank ones dropped."""
    spans: list[Span] = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append(Span(start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append(Span(start, len(text)))
    return spans


def ends_a_clause(text: str) -> bool:
    """True if text holds a clause end."""
    return _CLAUSE_END.search(text) is not None


def clause_at(spans: list[Span], position: int) -> Span | None:
    """The clause that holds position."""
    for span in spans:
        if span.start <= position < span.end:
            return span
    return None


def quoted_spans(text: str) -> list[Span]:
    """Passages between quotation marks: a quoted law, contract clause or someone's words."""
    return [Span(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def inside(spans: list[Span], start: int, end: int) -> bool:
    """True if [start, end) lies inside one of spans."""
    return any(s.start <= start and end <= s.end for s in spans)


@dataclass(frozen=True)
class Token:
    """One word of the text: its folded form (accents off, lower case) and where it is."""

    folded: str
    raw: str
    start: int
    end: int


def tokens(text: str, span: Span) -> list[Token]:
    """Words of one slice of text, with positions in the whole text."""
    piece = text[span.start : span.end]
    out = []
    for m in _TOKEN.finditer(piece.replace("’", "'")):
        raw = m.group(0)
        folded = "".join(fold_char(c) for c in raw)
        out.append(Token(folded, raw.lower(), span.start + m.start(), span.start + m.end()))
    return out


def scopes(text: str, span: Span) -> Iterator[Span]:
    """Negation scopes of one clause: pieces between commas, colons, brackets and "but"."""
    start = span.start
    for m in _SCOPE_BREAK.finditer(text, span.start, span.end):
        if m.start() > start:
            yield Span(start, m.start())
        start = m.end()
    if span.end > start:
        yield Span(start, span.end)
