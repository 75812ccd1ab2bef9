"""Combine the rules' intents with the learned model's, as train.py chose per intent.

Works on a batch: the model vectorizes all texts of one language at once (one sparse matrix),
which is what keeps 100,000 messages within the benchmark's minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ecoute.intents import clauses
from ecoute.intents.classifier import Classification, IntentHit, severity_score
from ecoute.intents.model import load_model, parse_combination
from ecoute.intents.normalize import fold


def with_model(
    results: list[Classification], texts: Sequence[str], *, tones: Sequence[float]
) -> list[Classification]:
    """results with each language's model applied where its combination is not "rules"."""
    out = list(results)
    for language in {r.language for r in results if r.language}:
        model = load_model(language)
        active = {i: how for i, how in (model.combine if model else {}).items() if how != "rules"}
        if model is None or not active:
            continue
        rows = [k for k, r in enumerate(results) if r.language == language]
        matrix = model.features([texts[k] for k in rows], [results[k].intent_names for k in rows])
        probas = {intent: model.proba(matrix, intent) for intent in active}
        for n, k in enumerate(rows):
            hits = {h.intent: h for h in out[k].intents}
            changed = False
            for intent, how in active.items():
                p = float(probas[intent][n])
                kind, threshold = parse_combination(how)
                if intent in hits and kind in ("veto", "model") and p < threshold:
                    del hits[intent]
                    changed = True
                elif (
                    intent not in hits
                    and intent not in out[k].voided  # the rules read it as negated/reported
                    and kind in ("union", "model")
                    and p >= threshold
                ):
                    evidence = model.explain(matrix[n], intent)
                    hits[intent] = IntentHit(
                        intent, " | ".join(evidence), _clause_of(texts[k], evidence),
                        f"model p={p:.2f}",
                    )  # fmt: skip
                    changed = True
            if changed:
                ordered = sorted(hits.values(), key=lambda h: _order(h.intent))
                out[k] = replace(
                    out[k],
                    intents=ordered,
                    severity=severity_score([h.intent for h in ordered], tones[k]),
                )
    return out


def _clause_of(text: str, evidence: list[str]) -> str:
    """The clause that holds the strongest n-gram of the evidence found in it (the model reads
    the whole message, so this is where its evidence sits, not a parse)."""
    spans = clauses.clause_spans(text)
    folded = fold(text)
    for gram in evidence:
        at = folded.text.find(fold(gram).text)
        if at >= 0:
            at = folded.span_to_original(at, at + 1)[0]
        span = clauses.clause_at(spans, at) if at >= 0 else None
        if span is not None:
            return text[span.start : span.end].strip()
    return text[spans[0].start : spans[0].end].strip() if spans else ""


def _order(intent: str) -> tuple[int, str]:
    from ecoute.intents.lexicon import INTENTS

    return (INTENTS.index(intent), "") if intent in INTENTS else (len(INTENTS), intent)
