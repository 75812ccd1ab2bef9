"""Accent-, case- and apostrophe-insensitive folding that remembers where each char came from.

Patterns run on the folded text, but every reported phrase must be an exact substring of the
original, so folding keeps an offset map from folded positions back to original positions.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Typographic apostrophes and quotes that customers (and phone keyboards) use for "'".
APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4\u2032\uff07"
# Letters NFKD does not decompose but people spell out: "Strasse", "coeur".
LIGATURES = {"ß": "ss", "ẞ": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """Fold one character: drop accents, lower-case, unify apostrophes (ß -> ss, œ -> oe)."""
    if char in APOSTROPHES:
        return "'"
    if char in LIGATURES:
        return LIGATURES[char]
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower() or char.lower()


def _build_table() -> dict[int, str]:
    """Translate table for the common non-ASCII range; used by the fast path."""
    table: dict[int, str] = {}
    for code in list(range(0x80, 0x250)) + [ord(c) for c in APOSTROPHES]:
        folded = fold_char(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


_TABLE = _build_table()


@dataclass(frozen=True)
class Folded:
    """Folded text plus, when lengths differ, the original index of each folded char."""

    text: str
    offsets: tuple[int, ...] | None  # None means identity (same length, same positions)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the folded text back onto the original text."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1


def fold(text: str) -> Folded:
    """Fold text for matching; the fast path keeps positions identical to the original."""
    fast = text.translate(_TABLE).lower()
    # Every char folds to at least one char, so equal length means a 1:1 mapping.
    if len(fast) == len(text):
        return Folded(fast, None)
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char)
        chars.append(folded)
        offsets.extend([index] * len(folded))
    return Folded("".join(chars), tuple(offsets))


def fold_pattern(pattern: str) -> str:
    """Strip accents from a regex written by a human, leaving escapes like \\S untouched."""
    return "".join(fold_char(c) if ord(c) > 0x7F else c for c in pattern)
