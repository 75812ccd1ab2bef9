"""Lexicon loading and operator extensions."""

from pathlib import Path

import pytest

from ecoute.intents import INTENTS, LANGUAGES, classify
from ecoute.intents.lexicon import load_raw, load_rules


def test_every_language_defines_every_intent():
    raw = load_raw()
    for language in LANGUAGES:
        assert set(raw[language]["intents"]) == set(INTENTS), language


def test_rules_compile_once():
    assert load_rules(()) is load_rules(())


def test_extra_lexicon_adds_pattern(tmp_path: Path):
    extra = tmp_path / "proximus_fr.yaml"
    extra.write_text(
        "language: fr\nintents:\n  churn_threat:\n    patterns:\n      - je file chez \\w+\n",
        encoding="utf-8",
    )
    text = "je file chez voo"
    assert classify(text, "fr").intents == []
    hits = classify(text, "fr", extra_lexicons=[extra]).intents
    assert [(h.intent, h.phrase) for h in hits] == [("churn_threat", "je file chez voo")]


def test_extra_lexicon_keeps_builtin_patterns(tmp_path: Path):
    extra = tmp_path / "x.yaml"
    extra.write_text("language: en\nintents:\n  wifi:\n    patterns: [hotspot]\n")
    got = classify("my hotspot died, I will cancel", "en", extra_lexicons=[extra]).intent_names
    assert {"wifi", "churn_threat"} <= set(got)


def test_extra_lexicon_can_add_new_intent(tmp_path: Path):
    extra = tmp_path / "x.yaml"
    extra.write_text(
        "language: en\nintents:\n  porting:\n    patterns:\n      - port(?:ing)? my number\n"
    )
    assert "porting" in classify("porting my number", "en", extra_lexicons=[extra]).intent_names


def test_extra_lexicon_needs_language(tmp_path: Path):
    extra = tmp_path / "bad.yaml"
    extra.write_text("intents: {}\n")
    with pytest.raises(ValueError, match="language"):
        load_raw((extra,))
