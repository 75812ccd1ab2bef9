"""Which written forms belong to the verb lemmas the clause concepts name.

The concepts ask one question of a word: is its lemma one of a few verbs ("venir",
"rappeler", "come", "kommen")? simplemma answers it, but only after decompressing the whole
dictionary of the language (1–4 s per language on a quiet machine, 38 s for the four under
load in the build). The answer for the built-in concepts is a few thousand forms, so it ships
as a table (`lexicons/lemma_forms.json`), generated from simplemma's own dictionaries:

    python -m ecoute.intents.lemmas        # rewrite the table after changing a concept verb

A concept whose lemmas the table does not cover (an operator's extension lexicon) falls back
to simplemma, lazily, for that language only. A test checks the table against simplemma.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from ecoute.intents.normalize import fold_char

TABLE = Path(__file__).parent / "lexicons" / "lemma_forms.json"


def folded(word: str) -> str:
    """A word folded like the lexicons (lower case, accents off)."""
    return "".join(fold_char(c) for c in word.lower())


@cache
def _table() -> dict[str, dict[str, list[str]]]:
    # No table (while it is being generated): every concept falls back to simplemma.
    return json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}


def forms_of(language: str, lemmas: Iterable[str]) -> frozenset[str] | None:
    """Every lower-case form (as written) whose lemma is one of lemmas, or None when the
    table does not cover them all (then ask simplemma, see `lemma`). Forms are not folded:
    simplemma does not know "repond" for "répond", and folding them found, on the tuning
    split, two hotlines that nobody answers (not a missed callback) and nothing else."""
    known = _table().get(language, {})
    wanted = set(lemmas)
    if not wanted <= known.keys():
        return None
    out: set[str] = set(wanted)
    for name in wanted:
        out.update(known[name])
    return frozenset(out)


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """simplemma's lemma of one lower-case word, folded (cached: ~30 µs a call, and the
    first call of a language loads its dictionary)."""
    import simplemma

    return folded(simplemma.lemmatize(word, lang=language))


def build_table(wanted: dict[str, set[str]]) -> dict[str, dict[str, list[str]]]:
    """For each language, the dictionary forms of simplemma whose folded lemma is wanted."""
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory()
    table: dict[str, dict[str, list[str]]] = {}
    for language in sorted(wanted):
        found: dict[str, set[str]] = {name: set() for name in wanted[language]}
        for form, its_lemma in factory.get_dictionary(language).items():
            name = folded(its_lemma)
            if name in found and form.lower() != name:
                found[name].add(form.lower())
        table[language] = {name: sorted(forms) for name, forms in sorted(found.items())}
    return table


def concept_lemmas() -> dict[str, set[str]]:
    """The verb lemmas of every built-in concept and final verb, per language."""
    from ecoute.intents.lexicon import load_rules

    out: dict[str, set[str]] = {}
    for language, rules in load_rules().items():
        if rules.clause is None:
            continue
        verbs = out.setdefault(language, set())
        verbs.update(*(c.other_actor for c in rules.clause.concepts))
        verbs.update(*(f.verbs for f in rules.clause.final_verbs))
    return out


def main() -> None:
    table = build_table(concept_lemmas())
    TABLE.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{TABLE}: {sum(len(f) for t in table.values() for f in t.values())} forms")


if __name__ == "__main__":
    main()
