"""Learned mode: a calibrated scikit-learn model over the warehouse features.

The design matrix: the service signals and context numbers of ``signals``, the plan, segment,
region and language, and the declared ``extra`` attributes (numeric when every value parses
as a number, else categorical). Numbers are imputed (median), log-scaled (signed log1p) and standardised; categories one-hot
encoded (rare ones pooled). The classifier is wrapped in ``CalibratedClassifierCV`` so its
output can be read as a probability of leaving within the horizon.

Reasons are model-agnostic: for each feature of a customer that differs from its baseline
(0 for a service signal, the training median or most common value otherwise), how much the
probability falls when that feature alone is set to the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from ecoute.risk.config import RiskConfig
from ecoute.risk.extras import EXTRA_PREFIX
from ecoute.risk.signals import (
    CONTEXT_CATEGORICAL,
    CONTEXT_NUMERIC,
    SERVICE_SIGNALS,
    Reason,
    category,
    reason,
)

# pandas only where the model is fitted or applied (``design``): the rules mode imports this
# module and should not pay pandas' import (~1 s).
if TYPE_CHECKING:
    import pandas as pd

# A feature moving the probability by less than this is not named as a reason.
MIN_REASON_DROP = 0.005
_ZERO_BASELINE = (
    *SERVICE_SIGNALS,
    *(
        c
        for c in CONTEXT_NUMERIC
        if c not in ("tenure_days", "monthly_fee", "days_since_last_failure")
    ),
)


@dataclass(frozen=True)
class FeatureSpec:
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    window_days: int = 90

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.numeric, *self.categorical)


@dataclass
class TrainedModel:
    estimator: Any
    spec: FeatureSpec
    baselines: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


def feature_spec(frame: pl.DataFrame, extra_keys: Sequence[str], window_days: int) -> FeatureSpec:
    """Which columns the model uses: those present and not entirely empty."""

    def usable(c: str) -> bool:
        return c in frame.columns and frame[c].null_count() < frame.height

    numeric = [c for c in (*SERVICE_SIGNALS, *CONTEXT_NUMERIC) if usable(c)]
    categorical = [c for c in CONTEXT_CATEGORICAL if usable(c)]
    for key in extra_keys:
        column = f"{EXTRA_PREFIX}{key}"
        if not usable(column):
            continue
        parsed = frame[column].cast(pl.Float64, strict=False)
        (numeric if parsed.null_count() == frame[column].null_count() else categorical).append(
            column
        )
    return FeatureSpec(tuple(numeric), tuple(categorical), window_days)


def design(frame: pl.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """The model's input: floats for numbers (NaN when unknown), text for categories."""
    import pandas as pd

    numeric = {
        c: frame[c].cast(pl.Float64, strict=False).to_numpy().astype(float) for c in spec.numeric
    }
    if "days_since_last_failure" in numeric:  # no failure in the window: as long ago as it goes
        col = numeric["days_since_last_failure"]
        numeric["days_since_last_failure"] = np.where(np.isnan(col), spec.window_days, col)
    categorical = {
        c: np.array([str(v) if v is not None else "missing" for v in frame[c].to_list()], object)
        for c in spec.categorical
    }
    return pd.DataFrame({**numeric, **categorical}, columns=list(spec.columns))


def signed_log1p(x: np.ndarray) -> np.ndarray:
    """sign(x) · log(1 + |x|): keeps order and sign, tames long tails."""
    return np.sign(x) * np.log1p(np.abs(x))


def make_estimator(cfg: RiskConfig, spec: FeatureSpec, positives: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    onehot = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=10)
    if cfg.model == "gradient_boosting":
        numbers = SimpleImputer(strategy="median")
        classifier = HistGradientBoostingClassifier(
            learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=40,
            l2_regularization=1.0, random_state=cfg.seed,
        )  # fmt: skip
    else:
        # Counts are heavy-tailed and their effect saturates: a signed log1p before scaling.
        numbers = make_pipeline(
            SimpleImputer(strategy="median"), FunctionTransformer(signed_log1p), StandardScaler()
        )
        classifier = LogisticRegression(C=0.1, solver="newton-cholesky", max_iter=200)
    prepare = ColumnTransformer(
        [("num", numbers, list(spec.numeric)), ("cat", onehot, list(spec.categorical))],
        sparse_threshold=0,
    )
    folds = max(2, min(5, positives // 5))
    return CalibratedClassifierCV(
        make_pipeline(prepare, classifier),
        method=cfg.calibration,
        cv=StratifiedKFold(folds, shuffle=True, random_state=cfg.seed),
    )


def fit(
    frame: pl.DataFrame, labels: np.ndarray, spec: FeatureSpec, cfg: RiskConfig
) -> TrainedModel:
    """Fit and calibrate on the rows of ``frame`` (labels: 1 = left within the horizon)."""
    positives = int(labels.sum())
    if positives < 10 or positives == len(labels):
        raise ValueError(
            f"cannot train: {positives} customers left within the horizon out of {len(labels)}"
        )
    estimator = make_estimator(cfg, spec, positives)
    estimator.fit(design(frame, spec), labels)
    return TrainedModel(estimator, spec, _baselines(frame, spec))


def _baselines(frame: pl.DataFrame, spec: FeatureSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    data = design(frame, spec)
    for c in spec.numeric:
        if c in _ZERO_BASELINE:
            out[c] = 0.0
        elif c == "days_since_last_failure":
            out[c] = float(spec.window_days)
        else:
            out[c] = float(np.nanmedian(data[c])) if data[c].notna().any() else 0.0
    for c in spec.categorical:
        out[c] = data[c].mode().iloc[0]
    return out


def predict(model: TrainedModel, frame: pl.DataFrame) -> np.ndarray:
    """Probability of leaving within the horizon, per row of ``frame``."""
    if frame.height == 0:
        return np.zeros(0)
    return model.estimator.predict_proba(design(frame, model.spec))[:, 1]


def explain(
    model: TrainedModel, frame: pl.DataFrame, probabilities: np.ndarray, top: int
) -> list[tuple[Reason, ...]]:
    """Top reasons per row: the features whose baseline value lowers the probability most."""
    if frame.height == 0:
        return []
    data = design(frame, model.spec)
    drops = {}
    for column, baseline in model.baselines.items():
        differs = _differs(data[column], baseline)
        if not differs.any():
            continue
        changed = data.copy()
        changed[column] = baseline
        drop = probabilities - model.estimator.predict_proba(changed)[:, 1]
        drops[column] = np.where(differs, drop, 0.0)
    rows = frame.to_dicts()
    reasons = []
    for i, row in enumerate(rows):
        ranked = sorted(
            ((d[i], c) for c, d in drops.items() if d[i] >= MIN_REASON_DROP), reverse=True
        )
        said = dict.fromkeys(_reason(c, row) for _, c in ranked)  # the same reason once
        reasons.append(tuple(list(said)[:top]))
    return reasons


def _differs(values: pd.Series, baseline: Any) -> np.ndarray:
    if isinstance(baseline, str):
        return (values != baseline).to_numpy()
    arr = values.to_numpy(dtype=float)
    return ~np.isnan(arr) & (np.abs(arr - baseline) > 1e-9)


def _reason(column: str, row: dict[str, Any]) -> Reason:
    if column.startswith(EXTRA_PREFIX) or column in CONTEXT_CATEGORICAL:
        return category(column, row.get(column))
    return reason(column, row.get(column), row)
