"""What an error says, in one line, wherever it is reported (load errors, check results)."""

from __future__ import annotations


def first_line(exc: BaseException, limit: int | None = None) -> str:
    """The first line of ``exc``'s message (its type's name when it says nothing), at most
    ``limit`` characters: DuckDB's errors go on for lines of context."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if limit is None else line[:limit]
