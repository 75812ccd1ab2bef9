"""Folding: accents, case, apostrophes, and mapping spans back to the original."""

from ecoute.intents.normalize import fold, fold_pattern


def test_fold_strips_accents_and_case():
    assert fold("Résilié ÉTÉ").text == "resilie ete"


def test_fold_unifies_typographic_apostrophes():
    assert fold("j’en ai marre").text == fold("j'en ai marre").text == "j'en ai marre"


def test_fast_path_keeps_positions():
    assert fold("Déjà coupé").offsets is None


def test_ligature_expands_and_maps_back():
    folded = fold("Straße: Störung")
    start = folded.text.index("storung")
    assert folded.span_to_original(start, start + len("storung")) == (8, 15)
    assert folded.span_to_original(0, len("strasse")) == (0, 6)


def test_fold_pattern_keeps_regex_escapes():
    assert fold_pattern(r"résili\w*\S") == r"resili\w*\S"
