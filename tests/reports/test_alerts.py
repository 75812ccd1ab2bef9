"""`ecoute alerts`: rules from the settings, evaluated on the week; exit 1 when one fires."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.core.db import connect
from ecoute.reports.alerts import RuleError, evaluate, rules_from
from tests.reports._report_fixtures import W09, W10


def _alerts(settings, config, *args):
    cmd = ["--warehouse", str(settings.warehouse)]
    if config:
        cmd += ["--config", str(config)]
    return CliRunner().invoke(app, [*cmd, "alerts", *args])


def test_default_rules_fire_and_exit_1(tiny):
    result = _alerts(tiny, None, "--week", "2026-W10")
    assert result.exit_code == 1, result.output
    assert "3 alerts fired in 2026-W10" in result.output
    assert "national: Dropped calls above 3 % — observed 40.0 % (2 of 5)" in result.output
    assert "Liège: Unannounced missed visit — observed 1" in result.output
    assert "Namur" not in result.output  # Namur's visit was done


def test_no_alert_exits_0(tiny, tmp_path):
    config = tmp_path / "ecoute.toml"
    config.write_text(
        '[[alerts.rules]]\nmetric = "dropped_call_rate"\nop = ">"\nthreshold = 1\n'
        'scope = "region"\n',
        encoding="utf-8",
    )
    result = _alerts(tiny, config, "--week", "2026-W10")
    assert result.exit_code == 0, result.output
    assert "No alert fired in 2026-W10 (1 rule checked)" in result.output


def test_json_and_region(tiny):
    result = _alerts(tiny, None, "--week", "2026-W10", "--region", "Namur", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    fired = {(a["rule"], a["region"]) for a in payload["alerts"]}
    # in Namur's report every rule reads Namur's numbers: 1 of 2 calls dropped
    assert fired == {("Dropped calls above 3 %", "Namur")}


def test_min_denominator_silences_small_samples(tiny):
    rules = rules_from({"rules": [{"metric": "missed_visit_rate", "op": ">", "threshold": 0.05,
                                   "min_denominator": 10}]})  # fmt: skip
    con = connect(tiny, read_only=True)
    try:
        assert evaluate(con, W10, rules) == []
        # a week with no visits at all: a missing rate never fires
        loose = rules_from({"rules": [{"metric": "missed_visit_rate", "op": "<", "threshold": 1}]})
        assert evaluate(con, W09, loose) == []
    finally:
        con.close()


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"metric": "nope", "op": ">", "threshold": 1}, "unknown metric"),
        ({"metric": "abandon_rate", "op": "=>", "threshold": 1}, "op must be"),
        ({"metric": "abandon_rate", "op": ">", "threshold": 1, "scope": "world"}, "scope"),
        ({"metric": "abandon_rate", "op": ">"}, "missing threshold"),
        ({"metric": "abandon_rate", "op": ">", "threshold": "high"}, "must be numbers"),
        ({"metric": "abandon_rate", "op": ">", "threshold": 1, "typo": 1}, "unknown key"),
    ],
)
def test_bad_rules_are_refused(rule, message):
    with pytest.raises(RuleError, match=message):
        rules_from({"rules": [rule]})


def test_bad_rule_is_exit_2(tiny, tmp_path):
    config = tmp_path / "ecoute.toml"
    config.write_text('[[alerts.rules]]\nmetric = "nope"\nop = ">"\nthreshold = 1\n')
    result = _alerts(tiny, config, "--week", "2026-W10")
    assert result.exit_code == 2
    assert "unknown metric" in result.output
