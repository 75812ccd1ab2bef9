"""The ``[risk]`` settings as one typed object, read once from the settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoute.core.settings import Settings

MODES = ("rules", "learned")
MODELS = ("logistic", "gradient_boosting")


@dataclass(frozen=True)
class RiskConfig:
    mode: str = "rules"
    as_of: dt.date | None = None
    band_cutoffs: tuple[float, float] = (0.15, 0.4)
    high_band_size: int = 50
    top_reasons: int = 3
    extra_features: tuple[str, ...] = ()
    model: str = "logistic"
    calibration: str = "sigmoid"
    horizon_days: int = 28
    train_cutoffs: int = 4
    cutoff_step_days: int = 14
    min_history_days: int = 28
    test_share: float = 0.25
    seed: int = 0
    model_path: Path = Path("warehouse/ecoute.risk-model.joblib")
    report_path: Path = Path("warehouse/ecoute.risk-evaluation.html")
    capacity_per_week: int = 50
    lost_customer_eur: float = 600.0
    retention_offer_eur: float = 40.0
    retention_success_rate: float = 0.3
    weights: dict[str, float] = field(default_factory=dict)
    window_days: int = 90

    @property
    def capacity(self) -> int:
        """Customers the team can contact over one label horizon (capacity per week × weeks)."""
        return max(1, round(self.capacity_per_week * self.horizon_days / 7))


def risk_config(settings: Settings) -> RiskConfig:
    """Read ``[risk]`` (and ``[metrics] risk_window_days``), checking what can be wrong."""
    raw: dict[str, Any] = settings.section("risk")
    mode = str(raw.get("mode", "rules"))
    if mode not in MODES:
        raise ValueError(f"[risk] mode must be one of {MODES}, got {mode!r}")
    model = str(raw.get("model", "logistic"))
    if model not in MODELS:
        raise ValueError(f"[risk] model must be one of {MODELS}, got {model!r}")
    low, high = (float(c) for c in raw.get("band_cutoffs", (0.15, 0.4)))
    if not 0 <= low <= high <= 1:
        raise ValueError("[risk] band_cutoffs must be two numbers 0 ≤ low ≤ high ≤ 1")
    capacity_per_week = int(raw.get("capacity_per_week", 50))
    # 0 (the default): the week's call list, as many as the team calls in a week.
    high_band_size = int(raw.get("high_band_size", 0)) or capacity_per_week
    if high_band_size < 1:
        raise ValueError("[risk] high_band_size must be 0 (capacity_per_week) or a positive count")
    base = Path(settings.warehouse)
    return RiskConfig(
        mode=mode,
        as_of=dt.date.fromisoformat(raw["as_of"]) if raw.get("as_of") else None,
        band_cutoffs=(low, high),
        high_band_size=high_band_size,
        top_reasons=int(raw.get("top_reasons", 3)),
        extra_features=tuple(str(k) for k in raw.get("extra_features", ())),
        model=model,
        calibration=str(raw.get("calibration", "sigmoid")),
        horizon_days=int(raw.get("horizon_days", 28)),
        train_cutoffs=int(raw.get("train_cutoffs", 4)),
        cutoff_step_days=int(raw.get("cutoff_step_days", 14)),
        min_history_days=int(raw.get("min_history_days", 28)),
        test_share=float(raw.get("test_share", 0.25)),
        seed=int(raw.get("seed", 0)),
        model_path=Path(raw.get("model_path") or base.with_suffix(".risk-model.joblib")),
        report_path=Path(raw.get("report_path") or base.with_suffix(".risk-evaluation.html")),
        capacity_per_week=capacity_per_week,
        lost_customer_eur=float(raw.get("lost_customer_eur", 600)),
        retention_offer_eur=float(raw.get("retention_offer_eur", 40)),
        retention_success_rate=float(raw.get("retention_success_rate", 0.3)),
        weights={str(k): float(v) for k, v in (raw.get("weights") or {}).items()},
        window_days=int(settings.metrics.get("risk_window_days", 90)),
    )
