"""The rules mode's scores as one DuckDB query (sql/risk/rules_scores.sql), written from the
risk engine's own definitions (ecoute.risk.signals.RULE_INPUTS, ``rule_reason``, the weights
of ``[risk]``), so the rules are defined once, in the engine, and the build does not bring
every customer's features into Python (docs/churn.md, docs/performance.md Session 7).

The numbers are the engine's to the last bit: each part is the same product of two doubles,
the sum a left fold in signal order (Python's order), ``ln``/``exp`` the same C library's, and
the reasons ranked by the same key (tests/warehouse/python/test_risk_rules.py).
"""

from __future__ import annotations

from ecoute.core.sql_literals import literal, text
from ecoute.risk.config import RiskConfig
from ecoute.risk.rules import MIN_REASON
from ecoute.risk.signals import RULE_INPUTS, RuleInput, rule_reason
from ecoute.warehouse.python import sql
from ecoute.warehouse.runner import param_literal

# Each RuleInput op as a SQL expression of its column ({c}) and constant ({k}): the SQL of
# ecoute.risk.signals.rule_input.
_INPUT_SQL = {
    "cap": "least(coalesce({c}, 0)::double, {k})",
    "below": "({c} is not null and {c} < {k})::double",
    "per": "coalesce({c}, 0)::double / {k}",
}


def number(value: float) -> str:
    return param_literal(float(value))


def _part(position: int, spec: RuleInput, weight: float) -> str:
    code, column = rule_reason(spec.name)
    value = _INPUT_SQL[spec.op].format(c=_ident(spec.column), k=number(spec.constant))
    return (f"{{'part': {number(weight)} * {value}, 'tie': {-position}, "
            f"'code': {text(code)}, 'value': {_ident(column)}::double}}")  # fmt: skip


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rules_scores_sql(features: str, cfg: RiskConfig) -> str:
    """The query giving the risk mart's rows (band null) for every row of ``features``."""
    parts = [_part(i, s, cfg.weights.get(s.name, 0.0)) for i, s in enumerate(RULE_INPUTS)]
    return sql("risk", "rules_scores").format(
        features=features,
        parts="[" + ",\n        ".join(parts) + "]",
        intercept=number(cfg.weights.get("intercept", 0.0)),
        min_reason=number(MIN_REASON),
        top=literal(int(cfg.top_reasons)),
    )
