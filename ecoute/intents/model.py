"""A learned intent classifier beside the rules: logistic regression on word and character
n-grams (scikit-learn), one per intent and language.

The model is stored as JSON (vocabulary, idf, weights), not as a pickle, so it loads with any
scikit-learn version and its weights can be read. `python -m ecoute.intents.train` rebuilds it
from the tuning split (tests/ecoute/intents/labels/) and the shared corpora, and records which
combination with the rules measured best in cross-validation. Pure: reading the packaged JSON
is the only I/O.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn and scipy are imported where a model is fitted or applied, never at import:
# they cost 6–9 s under load, and no model ships while every intent keeps the rules alone.

MODEL_DIR = Path(__file__).parent / "models"
# How a model's verdict combines with the rules' for one intent (chosen by cross-validation):
#   rules    - the rules alone; model - the model alone (p >= 0.5);
#   union@t  - rules, or the model when it is confident (p >= t);
#   veto@t   - rules, unless the model finds the hit unlikely (p < t).
# The threshold is part of the choice, so cross-validation also picks how confident the model
# must be. A bare "union" or "veto" (older model files) means the default thresholds.
COMBINATIONS = (
    "rules", "model", "union@0.5", "union@0.6", "union@0.7", "union@0.8", "union@0.9",
    "veto@0.15", "veto@0.3",
)  # fmt: skip
HIGH = 0.7
LOW = 0.15


def parse_combination(how: str) -> tuple[str, float]:
    """("union", 0.6) for "union@0.6"; the default threshold when none is written."""
    kind, _, threshold = how.partition("@")
    default = {"union": HIGH, "veto": LOW, "model": 0.5}.get(kind, 0.0)
    return kind, float(threshold) if threshold else default


MIN_POSITIVES = 5  # an intent with fewer labelled positives gets no model


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, strip_accents="unicode"
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
        strip_accents="unicode", max_features=20000,
    )  # fmt: skip
    return words, chars


@dataclass
class IntentModel:
    """Vectorizers plus one weight vector per intent, and each intent's combination.

    rule_features: the intents whose rule verdict (1 when the rules found the intent, 0 if
    not) is appended to the n-grams as a feature, so the model learns when to trust the rules
    and what they miss ("model with rule features"); empty for an n-gram-only model."""

    language: str
    words: TfidfVectorizer
    chars: TfidfVectorizer
    weights: dict[str, tuple[np.ndarray, float]]
    combine: dict[str, str]
    rule_features: tuple[str, ...] = ()

    def features(
        self, texts: Sequence[str], rules: Sequence[Sequence[str]] | None = None
    ) -> sparse.csr_matrix:
        """The n-gram matrix, and the rules' verdicts per text when the model reads them."""
        from scipy import sparse

        parts = [self.words.transform(texts), self.chars.transform(texts)]
        if self.rule_features:
            found = rules if rules is not None else [[] for _ in texts]
            verdicts = [[float(i in hits) for i in self.rule_features] for hits in found]
            parts.append(sparse.csr_matrix(np.array(verdicts, dtype=float).reshape(
                len(texts), len(self.rule_features))))  # fmt: skip
        return sparse.hstack(parts).tocsr()

    @cached_property
    def names(self) -> list[str]:
        """Feature names, built once per model (sklearn rebuilds them on every call)."""
        return (
            [f"w:{n}" for n in self.words.get_feature_names_out()]
            + [f"c:{n}" for n in self.chars.get_feature_names_out()]
            + [f"r:rules found {i}" for i in self.rule_features]
        )

    def proba(self, matrix: sparse.csr_matrix, intent: str) -> np.ndarray:
        coef, intercept = self.weights[intent]
        return 1.0 / (1.0 + np.exp(-(matrix @ coef + intercept)))

    def explain(self, row: sparse.csr_matrix, intent: str, k: int = 3) -> list[str]:
        """The k n-grams of one text that pushed the intent up most (its evidence)."""
        coef, _ = self.weights[intent]
        contrib = row.multiply(coef).tocsr()
        order = np.argsort(-contrib.data)[:k]
        names = self.names
        return [
            names[contrib.indices[i]].split(":", 1)[1].strip() for i in order if contrib.data[i] > 0
        ]


def fit(texts: Sequence[str], gold: Sequence[Sequence[str]], language: str,
        intents: Sequence[str], rules: Sequence[Sequence[str]] | None = None,
        labelled: Sequence[Sequence[str]] | None = None) -> IntentModel:  # fmt: skip
    """Train one logistic regression per intent that has enough positives; with the rules'
    verdicts per text (rules), the model also reads them as features. labelled: the intents
    each text was labelled for (default: all); an intent learns only from its labelled texts."""
    from sklearn.linear_model import LogisticRegression

    words, chars = _vectorizers()
    words.fit(texts)
    chars.fit(texts)
    model = IntentModel(language, words, chars, {}, {}, tuple(intents) if rules else ())
    matrix = model.features(texts, rules)
    for intent in intents:
        rows = np.array([labelled is None or intent in labelled[k] for k in range(len(texts))])
        y = np.array([intent in g for g in gold])[rows]
        if y.sum() < MIN_POSITIVES:
            continue
        clf = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
        clf.fit(matrix[np.where(rows)[0]], y)
        model.weights[intent] = (clf.coef_[0], float(clf.intercept_[0]))
    return model


def _vec_state(vec: TfidfVectorizer) -> dict[str, Any]:
    return {"vocabulary": {k: int(v) for k, v in vec.vocabulary_.items()}, "idf": vec.idf_.tolist()}


def _vec_from(state: dict[str, Any], template: TfidfVectorizer) -> TfidfVectorizer:
    vec = type(template)(**{**template.get_params(), "vocabulary": state["vocabulary"]})
    vec.fit(["x"])  # builds the analyzer with the fixed vocabulary
    vec.idf_ = np.array(state["idf"])
    return vec


def to_json(model: IntentModel, cv_f1: dict[str, dict[str, float]] | None = None) -> str:
    """The model as JSON: the combination kept per intent and the cross-validated F1 that chose
    it; vocabularies, idf and weights (rounded) only if some intent uses the model."""
    if all(how == "rules" for how in model.combine.values()):
        return json.dumps(
            {"language": model.language, "combine": model.combine, "cv_f1": cv_f1},
            indent=1,
        )
    return json.dumps(
        {
            "cv_f1": cv_f1,
            "language": model.language,
            "words": _vec_state(model.words),
            "chars": _vec_state(model.chars),
            "weights": {
                i: {"coef": np.round(c, 4).tolist(), "intercept": round(b, 4)}
                for i, (c, b) in model.weights.items()
            },
            "combine": model.combine,
            "rule_features": list(model.rule_features),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_json(text: str) -> IntentModel | None:
    """The model stored by to_json, or None when every intent keeps the rules alone."""
    data = json.loads(text)
    if "weights" not in data:
        return None
    words, chars = _vectorizers()
    return IntentModel(
        data["language"],
        _vec_from(data["words"], words),
        _vec_from(data["chars"], chars),
        {i: (np.array(w["coef"]), float(w["intercept"])) for i, w in data["weights"].items()},
        dict(data["combine"]),
        tuple(data.get("rule_features", ())),
    )


@cache
def load_model(language: str) -> IntentModel | None:
    """The packaged model of a language, or None (Dutch and German have no training text)."""
    path = MODEL_DIR / f"{language}.json"
    return from_json(path.read_text("utf-8")) if path.exists() else None
