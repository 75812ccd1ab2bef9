"""The rules mode's scores by one DuckDB query (warehouse/python/risk_rules.py): the numbers a
person computes by hand, and the engine's own (ecoute.risk.rules) to the last digit."""

from __future__ import annotations

import math

import duckdb
import pytest

from ecoute.risk.config import RiskConfig, risk_config
from ecoute.risk.rules import score_row
from ecoute.risk.signals import RULE_INPUTS, RULE_SIGNALS, SERVICE_SIGNALS
from ecoute.warehouse.python.risk import rebands, score_frame, score_in_batches
from ecoute.warehouse.python.risk_features import FEATURES_MODEL
from ecoute.warehouse.python.risk_rules import rules_scores_sql
from tests.ecoute.risk._fixtures import RULE_WEIGHTS as W
from tests.ecoute.risk._fixtures import small_world
from tests.warehouse._warehouse_fixtures import settings_for

# Six customers, tenure 2000 days and no fee unless said.
CUSTOMERS = {
    "A": {},  # nothing: z = −4
    "B": {"dropped_without_callback": 2, "open_repair_days": 16},  # 1.0 + 0.8: z = −2.2
    # 2.4 + 2.0 + 1.5 (45 days capped at 30) + 0.5 (new) + 0.27: z = 2.67, softened ln(3.67)
    "C": {"missed_visits_unannounced": 2, "churn_threat_messages": 1, "open_repair_days": 45,
          "tenure_days": 100, "monthly_fee": 90},
    # three parts of 0.5 tied: said in signal order; z = −2.5
    "D": {"dropped_without_callback": 1, "repeat_contacts": 5, "tenure_days": 100},
    "E": {"tenure_days": None, "monthly_fee": 20},  # 0.06: too small to say; z = −3.94
    "F": {"repeat_contacts": 40},  # capped at 5: 0.5, said as 40; z = −3.5
}  # fmt: skip
BY_HAND = {
    "A": (1 / (1 + math.exp(4)), []),
    "B": (1 / (1 + math.exp(2.2)), [("dropped_without_callback", 2), ("open_repair_days", 16)]),
    "C": (3.67 / 4.67, [("missed_visits_unannounced", 2), ("churn_threat_messages", 1),
                        ("open_repair_days", 45)]),
    "D": (1 / (1 + math.exp(2.5)), [("dropped_without_callback", 1), ("repeat_contacts", 5),
                                    ("tenure", 100)]),
    "E": (1 / (1 + math.exp(3.94)), []),
    "F": (1 / (1 + math.exp(3.5)), [("repeat_contacts", 40)]),
}  # fmt: skip


def _features(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = [{"customer_id": c, "tenure_days": 2000, "monthly_fee": 0, **v}
            for c, v in CUSTOMERS.items()]  # fmt: skip
    columns = ", ".join(f"{s} integer" for s in SERVICE_SIGNALS)
    con.execute(f"create table features (customer_id varchar, as_of_date date, {columns}, "
                "tenure_days integer, monthly_fee decimal(10, 2))")  # fmt: skip
    names = ["customer_id", *SERVICE_SIGNALS, "tenure_days", "monthly_fee"]
    for r in rows:
        con.execute(
            f"insert into features ({', '.join(names)}, as_of_date) "
            f"values ({', '.join('?' * len(names))}, date '2026-03-16')",
            [r.get(n, 0 if n in SERVICE_SIGNALS else None) for n in names],
        )
    return rows


def test_rules_by_sql_are_the_hand_computed_scores_and_the_engines():
    con = duckdb.connect()
    rows = _features(con)
    cfg = RiskConfig(weights=W)
    got = {r[0]: r[1:] for r in con.execute(
        f"select customer_id, score, reasons from ({rules_scores_sql('features', cfg)})"
    ).fetchall()}  # fmt: skip
    for customer, (score, reasons) in BY_HAND.items():
        assert got[customer][0] == pytest.approx(score, abs=5e-7), customer
        said = [(r["code"], r["value"]) for r in got[customer][1]]
        assert said == [(c, float(v)) for c, v in reasons], customer
        assert all(r["text"] is None for r in got[customer][1])
    for r in rows:  # the engine, customer by customer: the same digits and reasons
        engine = score_row(r, W, (0.15, 0.4))
        assert got[r["customer_id"]][0] == round(engine.score, 6)
        reasons = [(x.code, x.value) for x in engine.reasons]
        assert [(x["code"], x["value"]) for x in got[r["customer_id"]][1]] == reasons


def test_the_inputs_are_the_rules_signals_in_their_order():
    assert tuple(s.name for s in RULE_INPUTS) == RULE_SIGNALS


def test_the_build_scores_the_rules_in_sql_as_python_did(tmp_path):
    """The small world's features scored both ways, banded over the cut-off: the same rows
    (scores to the last digit, bands, reasons), and some of them say something."""
    con = small_world(tmp_path)
    settings = settings_for(tmp_path)
    cfg = risk_config(settings)
    scored = score_in_batches(con, settings, FEATURES_MODEL, store=False)
    assert scored.mode == "rules"
    frame = con.execute(f"select * from {FEATURES_MODEL}").pl()
    con.register("python_scores", score_frame(frame, cfg, None).to_arrow())
    con.execute("create temp table by_python as select * from python_scores")
    rebands(con, "temp.by_python", scored.as_of, cfg)
    differ = con.execute(
        "select count(*) from ((from temp.risk_scores except all from temp.by_python) "
        "union all (from temp.by_python except all from temp.risk_scores))"
    ).fetchone()[0]
    assert differ == 0
    said = con.execute("select count(*) from temp.risk_scores where len(reasons) > 0").fetchone()
    assert said[0] >= 3
    con.close()
