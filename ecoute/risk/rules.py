"""Rules mode: a transparent weighted score, no labels needed. Pure: no I/O, no clock.

score = 1 / (1 + exp(-soften(intercept + Σ weight × signal))) — a logistic of the weighted sum,
so weights read as log-odds: +0.7 roughly doubles the odds of leaving. The reasons are the
signals that added most to the sum, as data (signals.Reason: a code and a value); a reader
says them in its language.

Above even odds (a sum above 0) the sum is softened to ln(1 + sum) before the logistic. Summed
as they are, the worst customers' signals reach log-odds of 10 to 20 on the demo, which the
logistic turns into 0.99995 and more: every one of them read 1.000, and the retention team's
list was ordered by customer id. Softened, a sum of 10 reads 0.923 and one of 20 reads 0.954,
so the order of the sums is kept and shows in three decimals, while every score up to 0.5 —
and so both band cut-offs, which sit below it — is exactly the plain logistic's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecoute.risk.signals import (
    RULE_INPUTS,
    RULE_SIGNALS,
    Reason,
    reason,
    rule_input,
    rule_inputs,
)

# A signal adding less than this to the log-odds is not worth naming as a reason.
MIN_REASON = 0.1


@dataclass(frozen=True)
class Scored:
    customer_id: str
    score: float
    band: str
    reasons: tuple[Reason, ...]


def band_of(score: float, cutoffs: tuple[float, float]) -> str:
    """low below the first cut-off, high from the second, medium between."""
    low, high = cutoffs
    return "high" if score >= high else "medium" if score >= low else "low"


def population_cutoffs(
    nth_score: float | None, cutoffs: tuple[float, float]
) -> tuple[float, float]:
    """The cut-offs of one scored population: the high cut-off raised to the score of the
    ``high_band_size``-th riskiest customer (``nth_score``; None when fewer were scored), so
    "high" is the week's call list, not everyone past even-ish odds (docs/churn.md, Bands).
    Customers tied with that score share its band, so "high" may hold a few more."""
    low, high = cutoffs
    return (low, high if nth_score is None else max(high, nth_score))


def bands_of(scores: Sequence[float], cutoffs: tuple[float, float], size: int) -> list[str]:
    """The band of each score of one population (``population_cutoffs`` with its
    ``size``-th highest score), in the order given."""
    ranked = sorted(scores, reverse=True)
    nth = ranked[size - 1] if len(ranked) >= size else None
    edges = population_cutoffs(nth, cutoffs)
    return [band_of(s, edges) for s in scores]


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def soften(z: float) -> float:
    """The log-odds as they are up to 0, ln(1 + z) above: continuous, with the same slope at 0,
    strictly increasing and unbounded, so no score saturates at 1 (module docstring). Written
    ``log(1 + z)``, not ``log1p(z)``, as the build's SQL can write it (``ln(1 + z)``), so both
    give the same bits (z > 0 here, where the two differ by an ulp at most)."""
    return z if z <= 0 else math.log(1.0 + z)


def rules_score(z: float) -> float:
    """The rules score of a weighted sum ``z`` (intercept included)."""
    return logistic(soften(z))


def contributions(row: Mapping[str, Any], weights: Mapping[str, float]) -> dict[str, float]:
    """Each signal's part of the weighted sum (weight × value), for the signals weighted."""
    inputs = rule_inputs(row)
    return {name: weights.get(name, 0.0) * inputs[name] for name in RULE_SIGNALS}


def score_row(
    row: Mapping[str, Any],
    weights: Mapping[str, float],
    cutoffs: tuple[float, float],
    top: int = 3,
) -> Scored:
    """Score, band and top reasons of one customer's feature row."""
    parts = contributions(row, weights)
    score = rules_score(weights.get("intercept", 0.0) + sum(parts.values()))
    ranked = sorted(
        (p for p in parts.items() if p[1] >= MIN_REASON),
        key=lambda p: (-p[1], RULE_SIGNALS.index(p[0])),
    )
    inputs = rule_inputs(row)
    reasons = tuple(
        reason(name, row[name] if name in row else inputs[name], row) for name, _ in ranked[:top]
    )
    return Scored(str(row["customer_id"]), score, band_of(score, cutoffs), reasons)


def score_rows(
    rows: Iterable[Mapping[str, Any]],
    weights: Mapping[str, float],
    cutoffs: tuple[float, float],
    top: int = 3,
) -> list[Scored]:
    return [score_row(r, weights, cutoffs, top) for r in rows]


def score_columns(
    columns: Mapping[str, Sequence[Any]],
    weights: Mapping[str, float],
    cutoffs: tuple[float, float],
    top: int = 3,
) -> list[Scored]:
    """``score_rows`` over a table given as columns (name → one value per customer, the
    ``customer_id`` column included), the arithmetic done a column at a time.

    The same numbers as ``score_row``, bit for bit: each contribution is the same product, the
    weighted sum adds them in the same order (column by column, never numpy's pairwise sum),
    the logistic is ``math``'s, and the reasons are ranked by the same key (a stable sort on
    the contribution keeps ties in signal order). Only the reasons are made per
    customer, three at most (tested against ``score_rows`` in tests/ecoute/risk/test_rules.py).
    """
    import numpy as np

    ids = columns["customer_id"]
    n = len(ids)
    parts = np.empty((n, len(RULE_SIGNALS)))
    total = np.zeros(n)
    for j, (name, values) in enumerate(_input_columns(columns, n).items()):
        parts[:, j] = weights.get(name, 0.0) * values
        total = total + parts[:, j]
    intercept = weights.get("intercept", 0.0)
    scores = [rules_score(intercept + z) for z in total.tolist()]
    order = np.argsort(-parts, axis=1, kind="stable")[:, :top]
    chosen = np.take_along_axis(parts, order, axis=1) >= MIN_REASON
    said = _Reasons(columns)
    out = []
    for i, score in enumerate(scores):
        reasons = tuple(said(RULE_SIGNALS[j], i) for j in order[i][chosen[i]].tolist())
        out.append(Scored(str(ids[i]), score, band_of(score, cutoffs), reasons))
    return out


def _input_columns(columns: Mapping[str, Sequence[Any]], n: int) -> dict[str, Any]:
    """``rule_inputs`` as columns, in RULE_SIGNALS order (signals.RULE_INPUTS, an op at a time)."""
    import numpy as np

    def numbers(name: str) -> Any:
        if name not in columns:
            return np.zeros(n)
        return np.array([float(v or 0) for v in columns[name]], dtype=float)

    out = {}
    for spec in RULE_INPUTS:
        if spec.op == "cap":
            out[spec.name] = np.minimum(numbers(spec.column), spec.constant)
        elif spec.op == "below":
            values = columns.get(spec.column) or [None] * n
            out[spec.name] = np.array([rule_input(spec, v) for v in values], dtype=float)
        else:
            out[spec.name] = numbers(spec.column) / spec.constant
    return {name: out[name] for name in RULE_SIGNALS}


class _Reasons:
    """One customer's reason, as ``score_row`` makes it: the feature's own value when the
    table has that column (uncapped), else the rules' input."""

    def __init__(self, columns: Mapping[str, Sequence[Any]]) -> None:
        self.columns = columns

    def __call__(self, name: str, i: int) -> Reason:
        row = {c: self.columns[c][i] for c in (name, "tenure_days", "monthly_fee")
               if c in self.columns}  # fmt: skip
        # Without its own column a signal is derived (new_customer, the fee per 100): its
        # value comes from the row's tenure or fee.
        return reason(name, row.get(name), row)
