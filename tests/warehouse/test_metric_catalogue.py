"""The metric catalogue is the only place a metric is named: the marts are generated from it,
every reader takes names, labels and targets from it, and docs/metrics.md's table is its
rendering. These tests fail when a second copy appears or when the two sides disagree."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from ecoute.core.settings import SettingsError, load_settings
from ecoute.reports.metrics import (
    CATALOGUE,
    TargetsError,
    not_settled_text,
    settlement,
    shown,
    targets_of,
)
from ecoute.warehouse.catalogue import CATALOGUE_FILE, CatalogueError, load, markdown_table
from ecoute.warehouse.runner import discover

REPO = Path(__file__).resolve().parents[2]
# Reader code that shows metrics: none of it may name a label or a target of its own.
READERS = [
    REPO / "reports" / "metrics.py",
    REPO / "reports" / "weekly.py",
    REPO / "reports" / "alerts.py",
    REPO / "reports" / "charts.py",
    REPO / "reports" / "notebook.py",
    *sorted((REPO / "reports" / "dashboard").glob("*.py")),
    *sorted((REPO / "reports" / "templates").glob("*.j2")),
    *sorted((REPO / "reports" / "queries").glob("*.sql")),
    *sorted((REPO / "reports" / "dashboard" / "sql").glob("*.sql")),
    REPO / "ecoute" / "cli" / "commands" / "metrics.py",
    REPO / "ecoute" / "cli" / "commands" / "worst.py",
    REPO / "ecoute" / "cli" / "commands" / "alerts.py",
]
METRIC_LIKE = re.compile(
    r"""["']([a-z0-9]+(?:_[a-z0-9]+)*_(?:rate|share|level|adherence|within_target|per_ticket"""
    r"""|lead_time_days|p\d+_h|time_s|calls|due|backlog|count))["']"""
)


# ------------------------------------------------------------------ the marts


def _mart_metrics() -> set[str]:
    """The metric names the rendered mart SQL writes (`'metric': '<name>'`)."""
    found: set[str] = set()
    for model in discover():
        if model.name.startswith("rpt_metrics__"):
            found |= set(re.findall(r"'metric':\s*'([a-z0-9_.]+)'", model.sql))
    return found


def test_marts_and_catalogue_hold_the_same_metrics():
    assert _mart_metrics() == set(CATALOGUE.stored)


def test_daily_and_weekly_are_one_macro():
    models = {m.name: m.sql for m in discover()}
    day = models["rpt_metrics__daily"].replace("metric_date", "PERIOD").replace("'day'", "G")
    week = models["rpt_metrics__weekly"].replace("week_start", "PERIOD").replace("'week'", "G")
    body = lambda sql: sql[sql.index("with") :]  # noqa: E731 - the headers differ by design
    assert body(day) == body(week)
    for mart in CATALOGUE.marts:
        assert f"marts.rpt_metrics__{mart}" in models["rpt_metrics__weekly"]


# ------------------------------------------------------------------ the loader


def _broken(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "metrics.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _metric(raw, name):
    return next(m for m in raw["metrics"] if m["name"] == name)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: _metric(r, "fcr_rate").update(kind="rate"), "kind is 'rate'"),
        (lambda r: _metric(r, "fcr_rate")["label"].pop("nl"), "label"),
        (lambda r: _metric(r, "fcr_rate").update(target={"green": 0.5, "red": 0.8}), "direction"),
        (lambda r: _metric(r, "fcr_rate").update(source="nowhere"), "source 'nowhere'"),
        (lambda r: _metric(r, "fcr_rate").pop("denominator"), "needs numerator and denominator"),
        (lambda r: _metric(r, "fcr_rate").update(colour="red"), "unknown keys"),
    ],
)
def test_a_mistake_names_the_file_and_the_metric(tmp_path, edit, message):
    path = _broken(tmp_path, edit)
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert str(path) in str(caught.value) and "'fcr_rate'" in str(caught.value)
    assert message in str(caught.value)


def test_a_metric_defined_twice_is_refused(tmp_path):
    path = _broken(tmp_path, lambda r: r["metrics"].append(dict(_metric(r, "fcr_rate"))))
    with pytest.raises(CatalogueError, match="'fcr_rate' is defined twice"):
        load(path)


# ------------------------------------------------------------------ no second copy


def _worst_columns() -> set[str]:
    """The worst-week mart's failure counts (per customer, not metrics of the catalogue)."""
    from ecoute.reports.dashboard.app import WORST_HEADERS
    from ecoute.reports.metrics import WORST_COLUMNS

    # and the columns the report's queries name themselves (a share of the previous week)
    return set(WORST_COLUMNS) | set(WORST_HEADERS) | {"previous_share"}


def _without_worst_columns(text: str) -> str:
    """The text less the worst table's (column, header) pairs, whose words are its own."""
    names = "|".join(map(re.escape, sorted(_worst_columns())))
    return re.sub(rf"""\(\s*"(?:{names})",\s*"[^"]*"\s*\)""", "", text)


def test_no_reader_names_a_metric_the_catalogue_does_not_know():
    worst = _worst_columns()
    for path in READERS:
        text = path.read_text(encoding="utf-8")
        for name in set(METRIC_LIKE.findall(text)) - worst:
            assert CATALOGUE.get(name) is not None, f"{path.name} names {name!r}"


def test_no_reader_writes_a_label_or_a_target_of_its_own():
    labels = {text for m in CATALOGUE.metrics for text in m.label.values()}
    for path in READERS:
        text = _without_worst_columns(path.read_text(encoding="utf-8"))
        for label in labels:
            assert f'"{label}"' not in text, f"{path.name} copies the label {label!r}"
        assert not re.search(r"""["']?green["']?\s*[:=]\s*[0-9]""", text), path.name
    defaults = load_settings(config=None, warehouse=Path("x.duckdb"), environ={})
    assert defaults.section("targets") == {}  # the defaults are the catalogue's
    assert "targets" not in defaults.section("dashboard")


def test_docs_table_is_the_catalogue():
    docs = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert markdown_table(CATALOGUE) in docs


# ------------------------------------------------------------------ targets


def test_targets_default_to_the_catalogue_and_config_overrides_them(tmp_path):
    config = tmp_path / "ecoute.toml"
    config.write_text("[targets]\nfcr_rate = { green = 0.7, red = 0.5 }\n", encoding="utf-8")
    settings = load_settings(config=config, warehouse=tmp_path / "w.duckdb", environ={})
    got = targets_of(settings)
    assert got["fcr_rate"] == {"green": 0.7, "red": 0.5}
    # the values the report used where the report and the dashboard disagreed
    assert got["callback_rate_after_drop"]["green"] == 0.80
    assert got["repeat_contact_rate"]["green"] == 0.15
    assert got["missed_visit_rate"]["green"] == 0.03
    assert got["first_time_fix_rate"]["green"] == 0.80
    assert "customer_no_show_rate" not in got


def test_the_old_dashboard_targets_table_is_refused_naming_the_new_one(tmp_path):
    config = tmp_path / "ecoute.toml"
    config.write_text("[dashboard.targets]\nservice_level = 0.8\n", encoding="utf-8")
    # refused as the settings are read, before any command runs, naming the file
    with pytest.raises(
        SettingsError, match=r"ecoute.toml: \[dashboard.targets\].*\[targets\].*service_level"
    ):
        load_settings(config=config, warehouse=tmp_path / "w.duckdb", environ={})
    env = {"ECOUTE__DASHBOARD__TARGETS": "x"}
    with pytest.raises(SettingsError, match=r"environment.*\[dashboard.targets\]"):
        load_settings(warehouse=tmp_path / "w.duckdb", environ=env)


def test_an_unknown_metric_in_targets_is_refused(tmp_path):
    config = tmp_path / "ecoute.toml"
    config.write_text("[targets]\nfcr = { green = 0.7, red = 0.5 }\n", encoding="utf-8")
    settings = load_settings(config=config, warehouse=tmp_path / "w.duckdb", environ={})
    with pytest.raises(TargetsError, match="fcr: not a metric"):
        targets_of(settings)


def test_a_customer_failure_is_never_red():
    from ecoute.reports.weekly import rag

    targets = {"customer_no_show_rate": {"green": 0.1, "red": 0.2}}
    assert rag("customer_no_show_rate", 0.9, targets) == "none"
    assert rag("missed_visit_rate", 0.9, {"missed_visit_rate": {"green": 0.03, "red": 0.05}}) == (
        "red"
    )


# ------------------------------------------------------------------ settled or not

# 2026-W27: Monday 29 June to Sunday 5 July; the next week starts Monday 6 July (Brussels).
W27 = dt.date(2026, 6, 29)
PARAMS = {
    "timezone": "Europe/Brussels",
    "repeat_window_days": 7,
    "callback_window_h": 2,
    "refix_window_days": 30,
}


def _at(params, horizon, contacts=None):
    return {**params, "data_horizon_at": horizon, "contacts_horizon_at": contacts or horizon}


@pytest.mark.parametrize(
    ("metric", "horizon", "settled", "settles_on"),
    [
        # FCR: the week's last call's 7-day window ends by Monday 13 July 00:00
        ("fcr_rate", "2026-07-12T21:59:00Z", False, "2026-07-13"),
        ("fcr_rate", "2026-07-12T22:00:00Z", True, "2026-07-13"),  # 00:00 Brussels (UTC+2)
        # callback after a drop: 2 hours after the week
        ("callback_rate_after_drop", "2026-07-05T23:00:00Z", False, "2026-07-06"),
        ("callback_rate_after_drop", "2026-07-06T00:00:00Z", True, "2026-07-06"),
        # first-time fix: 30 days after the week
        ("first_time_fix_rate", "2026-08-01T00:00:00Z", False, "2026-08-05"),
        # no window: final once the data reaches the week's last day, Sunday 5 July (local):
        # data ending on Sunday evening closes the week
        ("abandon_rate", "2026-07-04T21:59:00Z", False, "2026-07-05"),  # Sat 23:59 Brussels
        ("abandon_rate", "2026-07-04T22:00:00Z", True, "2026-07-05"),  # Sun 00:00 Brussels
        ("abandon_rate", "2026-07-05T19:30:00Z", True, "2026-07-05"),
    ],
)
def test_settles_on_is_the_period_end_plus_the_window(metric, horizon, settled, settles_on):
    got = settlement(metric, W27, 7, _at(PARAMS, horizon))
    assert got.as_dict() == {"settled": settled, "settles_on": settles_on}


def test_contacts_windows_wait_for_the_contacts_horizon():
    params = _at(PARAMS, "2026-08-01T00:00:00Z", contacts="2026-07-10T00:00:00Z")
    assert not settlement("fcr_rate", W27, 7, params).settled
    assert settlement("first_time_fix_rate", W27 - dt.timedelta(days=35), 7, params).settled


def test_one_text_for_an_unsettled_value():
    cell = {"settled": False, "settles_on": "2026-07-13", "previous_settled": True}
    assert shown(cell, "0.0 %") == "not settled yet (final on 2026-07-13)"
    assert shown(cell, "35.3 %", previous=True) == "35.3 %"
    assert not_settled_text(dt.date(2026, 7, 13)) == "not settled yet (final on 2026-07-13)"
