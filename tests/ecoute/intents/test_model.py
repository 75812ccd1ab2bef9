"""The learned model beside the rules (ecoute.intents.model), on a tiny hand-made sample."""

import numpy as np

from ecoute.intents.model import fit, from_json, to_json

# 6 churn texts, 6 others; the "rules" found churn in the first four churn texts only.
TEXTS = [
    "je vais résilier", "je résilie demain", "résiliation de ma box", "je pars chez orange",
    "bye bye free", "je me casse", "merci pour la box", "la box marche", "bonne journée",
    "super service", "le wifi marche", "merci free",
]  # fmt: skip
GOLD = [["churn_threat"]] * 6 + [[]] * 6
RULES = [["churn_threat"]] * 4 + [[]] * 8


def test_model_with_rule_features_reads_the_rules_verdict():
    model = fit(TEXTS, GOLD, "fr", ["churn_threat"], RULES)
    assert model.rule_features == ("churn_threat",)
    plain = fit(TEXTS, GOLD, "fr", ["churn_threat"])
    # one more column: the rules' verdict
    assert model.features(TEXTS, RULES).shape[1] == plain.features(TEXTS).shape[1] + 1
    with_rule = model.proba(
        model.features(["je vais résilier"], [["churn_threat"]]), "churn_threat"
    )
    without = model.proba(model.features(["je vais résilier"], [[]]), "churn_threat")
    assert with_rule[0] > without[0]  # the rules' verdict pushes the intent up
    assert "rules found churn_threat" in model.explain(
        model.features(["je vais résilier"], [["churn_threat"]])[0], "churn_threat"
    )


def test_model_json_keeps_the_rule_features():
    model = fit(TEXTS, GOLD, "fr", ["churn_threat"], RULES)
    model.combine["churn_threat"] = "union@0.8"
    back = from_json(to_json(model))
    assert back is not None and back.rule_features == ("churn_threat",)
    matrix = model.features(TEXTS, RULES)
    assert np.allclose(back.proba(back.features(TEXTS, RULES), "churn_threat"),
                       model.proba(matrix, "churn_threat"), atol=1e-3)  # fmt: skip
