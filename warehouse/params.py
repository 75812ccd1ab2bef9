"""The parameters the models are built with, from the settings (defaults.toml's values unless
the operator overrides them): SQL variables ``getvariable('short_abandon_s')``."""

from __future__ import annotations

from typing import Any

from ecoute.core.settings import Settings

# [risk] build_cutoff: the Monday starting the data's ISO week, or the day after its horizon.
BUILD_CUTOFFS = ("week", "day")


def params_of(settings: Settings) -> dict[str, Any]:
    """The metric parameters as SQL variables (``getvariable('short_abandon_s')``)."""
    params = dict(settings.metrics)
    params["tz"] = params.pop("timezone")
    params["classify_intents"] = bool(settings.section("intents")["classify"])
    risk = settings.section("risk")
    # The churn-risk snapshot's cut-off (int_customers__risk_cutoff): [risk] as_of when set.
    params["risk_as_of"] = risk["as_of"] or None
    params["risk_build_cutoff"] = str(risk["build_cutoff"])
    if params["risk_build_cutoff"] not in BUILD_CUTOFFS:
        raise ValueError(f"[risk] build_cutoff must be one of {BUILD_CUTOFFS}, "
                         f"got {params['risk_build_cutoff']!r}")  # fmt: skip
    return params
