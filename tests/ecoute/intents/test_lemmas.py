"""The shipped lemma table answers for simplemma, so the engine need not load its dictionaries."""

from ecoute.intents import lemmas
from ecoute.intents.classifier import classify
from ecoute.intents.lexicon import load_rules


def test_every_builtin_concept_reads_the_table():
    # 4 languages x 2 concepts (no_callback, missed_appointment) in nl/de/fr, 1 in en: 7 rules
    concepts = [c for r in load_rules().values() if r.clause for c in r.clause.concepts]
    assert len(concepts) == 7
    assert all(c.forms is not None for c in concepts)


def test_table_is_what_simplemma_says_for_french():
    wanted = {"fr": lemmas.concept_lemmas()["fr"]}
    assert lemmas.build_table(wanted)["fr"] == lemmas._table()["fr"]


def test_forms_by_hand():
    # "vient", "venu", "viendra" are forms of venir; "vend" is not; "came" is a form of come
    forms = lemmas.forms_of("fr", {"venir"})
    assert {"vient", "venu", "viendra"} <= forms and "vend" not in forms
    assert "came" in lemmas.forms_of("en", {"come"})
    assert lemmas.forms_of("fr", {"nonexistentverb"}) is None  # falls back to simplemma


def test_no_dictionary_is_loaded_by_the_builtin_concepts():
    lemmas.lemma.cache_clear()
    hit = classify("Le technicien ne vient jamais, rendez-vous raté.", "fr")
    assert "missed_appointment" in hit.intent_names
    assert lemmas.lemma.cache_info().currsize == 0
