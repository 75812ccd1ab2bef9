"""Threshold alerts: configured rules (``[[alerts.rules]]``) evaluated on a week's metrics.

Rules compare one field of a metric (its value, numerator or denominator, as read from the
marts by :func:`ecoute.reports.metrics.week_metrics`) with a threshold. A national report evaluates
national rules on the national numbers and region rules on each region; a region's report
evaluates every rule on that region's numbers (``--region`` filters every number).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from ecoute.reports.i18n import EN, Lang

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
SCOPES = ("national", "region")
FIELDS = ("value", "numerator", "denominator")
NO_REGION = "(none)"  # the marts' slice for events without a known customer region


class RuleError(ValueError):
    """A rule in the configuration cannot be evaluated."""


@dataclass(frozen=True)
class Rule:
    metric: str
    op: str
    threshold: float
    scope: str = "national"
    name: str = ""
    field: str = "value"
    min_denominator: float = 0.0

    @property
    def label(self) -> str:
        return self.name or f"{self.metric} {self.op} {self.threshold:g}"

    @property
    def condition(self) -> str:
        what = self.metric if self.field == "value" else f"{self.metric}.{self.field}"
        return f"{what} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class Alert:
    rule: Rule
    region: str | None  # None: national
    observed: float
    numerator: float | None
    denominator: float | None

    @property
    def where(self) -> str:
        return self.region or "national"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.label,
            "condition": self.rule.condition,
            "metric": self.rule.metric,
            "field": self.rule.field,
            "region": self.region,
            "observed": self.observed,
            "numerator": self.numerator,
            "denominator": self.denominator,
        }


def rules_from(section: Mapping[str, Any]) -> list[Rule]:
    """The rules of an ``[alerts]`` settings section, checked (raises RuleError)."""
    from ecoute.reports.metrics import METRICS

    rules = []
    for i, raw in enumerate(section.get("rules", []) or [], start=1):
        where = f"[[alerts.rules]] #{i}"
        unknown = set(raw) - {
            "metric",
            "op",
            "threshold",
            "scope",
            "name",
            "field",
            "min_denominator",
        }
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("metric", "op", "threshold"):
            if key not in raw:
                raise RuleError(f"{where}: missing {key}")
        if raw["metric"] not in METRICS:
            raise RuleError(
                f"{where}: unknown metric {raw['metric']!r} (the catalogue's names: "
                "warehouse/metrics.yml, docs/metrics.md)"
            )
        if raw["op"] not in OPS:
            raise RuleError(f"{where}: op must be one of {' '.join(OPS)}, got {raw['op']!r}")
        scope = raw.get("scope", "national")
        if scope not in SCOPES:
            raise RuleError(f"{where}: scope must be national or region, got {scope!r}")
        field = raw.get("field", "value")
        if field not in FIELDS:
            raise RuleError(f"{where}: field must be value, numerator or denominator")
        try:
            threshold = float(raw["threshold"])
            min_den = float(raw.get("min_denominator", 0))
        except (TypeError, ValueError) as exc:
            raise RuleError(f"{where}: threshold and min_denominator must be numbers") from exc
        rules.append(
            Rule(
                metric=raw["metric"],
                op=raw["op"],
                threshold=threshold,
                scope=scope,
                name=str(raw.get("name", "")),
                field=field,
                min_denominator=min_den,
            )
        )
    return rules


def evaluate(
    con: duckdb.DuckDBPyConnection,
    week_start: dt.date,
    rules: Sequence[Rule],
    region: str | None = None,
) -> list[Alert]:
    """The alerts that fire in the week (national report, or one region's report)."""
    from ecoute.reports.metrics import week_metrics

    if not rules:
        return []
    if region is not None:
        cells = week_metrics(con, week_start, region=region)["metrics"]
        return [a for r in rules if (a := _check(r, cells.get(r.metric), region))]
    alerts: list[Alert] = []
    national = [r for r in rules if r.scope == "national"]
    regional = [r for r in rules if r.scope == "region"]
    if national:
        cells = week_metrics(con, week_start)["metrics"]
        alerts += [a for r in national if (a := _check(r, cells.get(r.metric), None))]
    if regional:
        by_region = week_metrics(con, week_start, by="region")["metrics"]
        for rule in regional:
            for name, cell in sorted(by_region.get(rule.metric, {}).items()):
                if name in ("*", NO_REGION):
                    continue
                if alert := _check(rule, cell, name):
                    alerts.append(alert)
    return alerts


def _check(rule: Rule, cell: Mapping[str, Any] | None, region: str | None) -> Alert | None:
    if not cell or not cell.get("settled", True):
        return None  # an unsettled week counts only the failures seen so far: no alarm on it
    observed = cell.get(rule.field)
    if observed is None:
        return None  # nothing to measure this week: a rule cannot fire on a missing rate
    den = cell.get("denominator")
    if rule.min_denominator and (den or 0) < rule.min_denominator:
        return None
    if not OPS[rule.op](float(observed), rule.threshold):
        return None
    return Alert(rule, region, float(observed), cell.get("numerator"), den)


def describe(alert: Alert, L: Lang = EN) -> str:
    """One line in the reader's language: where, which rule, what was observed."""
    from ecoute.reports.weekly import fmt_value

    rule = alert.rule
    if rule.field == "value":
        seen = fmt_value(rule.metric, alert.observed, L)
        limit = fmt_value(rule.metric, rule.threshold, L)
    else:
        seen = L.num(alert.observed)
        limit = L.num(rule.threshold, 0 if float(rule.threshold).is_integer() else 2)
    extra = ""
    if rule.field == "value" and alert.denominator is not None and alert.numerator is not None:
        extra = L.t("alerts.observed_of", numerator=L.num(alert.numerator),
                    denominator=L.num(alert.denominator))  # fmt: skip
    return L.t(
        "alerts.observed",
        where=alert.region or L.t("alerts.national"),
        rule=rule.name or L.label(rule.metric) + f" {rule.op} {limit}",
        seen=seen,
        extra=extra,
        field=L.t(f"alerts.field_{rule.field}"),
        op=rule.op,
        limit=limit,
    )
