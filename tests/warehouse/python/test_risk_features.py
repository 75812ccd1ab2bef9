"""dim_customers__risk_features as of a cut-off, on the hand-written world of _fixtures.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ecoute.risk.extras import with_extras
from ecoute.warehouse.build import build_all
from ecoute.warehouse.python.risk_features import churn_labels, features_as_of
from tests.ecoute.risk._fixtures import small_world
from tests.warehouse._warehouse_fixtures import build, call, settings_for

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def world(tmp_path):
    con = small_world(tmp_path)
    yield con, settings_for(tmp_path)
    con.close()


def _by_customer(con, settings, day):
    frame = features_as_of(con, settings, dt.date.fromisoformat(day) if day else None)
    return {r["customer_id"]: r for r in frame.to_dicts()}


def test_only_customers_active_at_the_cut_off(world):
    rows = _by_customer(*world, "2026-03-15")
    # C5 left on 03-10, C6 joined on 03-20; C7 leaves on 03-20 and is still a customer.
    assert sorted(rows) == ["C1", "C2", "C3", "C4", "C7"]
    assert rows["C2"]["tenure_days"] == 104  # 2025-12-01 → 2026-03-15


def test_events_after_the_cut_off_are_ignored(world):
    rows = _by_customer(*world, "2026-03-15")
    # D1 only: D0 is older than 90 days, D3's callback window ends after the cut-off,
    # D2 comes after it, D4 was called back.
    assert rows["C1"]["dropped_without_callback"] == 1
    assert rows["C2"]["missed_visits_unannounced"] == 1  # A1; A2 is due after the cut-off
    assert rows["C2"]["missed_visits_announced"] == 1  # A3: cancelled 12 h before, announced
    # T1 open from 02-27 09:00 to the cut-off 03-15 00:00: 15 days 15 hours.
    assert rows["C3"]["open_repair_days"] == pytest.approx(15.63)
    assert rows["C3"]["days_without_service"] == pytest.approx(15.63)
    assert rows["C3"]["long_repairs"] == 1
    assert rows["C4"]["churn_threat_messages"] == 1
    assert rows["C4"]["ombudsman_threat_messages"] == 0  # M2 is written on 03-16


def test_a_later_cut_off_sees_them(world):
    rows = _by_customer(*world, "2026-03-25")
    # D1, D3; not D2: its drop is the data's last record, so its callback window ends after
    # the horizon and whether it was called back is not settled, whatever the cut-off says.
    assert rows["C1"]["dropped_without_callback"] == 2
    assert rows["C2"]["missed_visits_unannounced"] == 2
    assert rows["C3"]["open_repair_days"] == 0  # restored on 03-20
    assert rows["C3"]["days_without_service"] == pytest.approx(21.0)
    assert rows["C4"]["ombudsman_threat_messages"] == 1
    assert "C7" not in rows and "C6" in rows


def test_default_cut_off_is_the_monday_starting_the_data_s_week(world):
    frame = features_as_of(*world, None)
    # The last record is D2's end, Friday 2026-03-20 09:05 local: the week of 03-16 is not
    # complete, so the build's snapshot is as of Monday 03-16 ([risk] build_cutoff = "week").
    assert frame["as_of_date"].unique().to_list() == [dt.date(2026, 3, 16)]


def test_the_build_materialises_the_default_cut_off(world):
    con, _ = world
    day = con.execute(
        "select distinct as_of_date from core.dim_customers__risk_features"
    ).fetchall()
    assert day == [(dt.date(2026, 3, 16),)]


def test_build_cutoff_day_is_the_day_after_the_data(world):
    con, settings = world
    daily = settings.with_overrides(risk={"build_cutoff": "day"})
    build_all(con, daily)
    assert features_as_of(con, daily, None)["as_of_date"].unique().to_list() == [
        dt.date(2026, 3, 21)
    ]
    # An explicit [risk] as_of wins over either.
    pinned = settings.with_overrides(risk={"as_of": "2026-03-11"})
    build_all(con, pinned)
    assert con.execute("select distinct as_of_date from "
                       "core.dim_customers__risk_features").fetchall() == [
        (dt.date(2026, 3, 11),)
    ]  # fmt: skip


def test_an_unknown_build_cutoff_is_refused(world):
    con, settings = world
    with pytest.raises(ValueError, match="build_cutoff"):
        build_all(con, settings.with_overrides(risk={"build_cutoff": "month"}))


# The data's last record (a call's end, Brussels local) → the build's cut-off, week and day.
HORIZONS = [
    ("2026-06-14 23:30", "2026-06-15", "2026-06-15"),  # Sunday night: the week is complete
    ("2026-06-15 00:10", "2026-06-15", "2026-06-16"),  # Monday just after midnight
    ("2026-06-17 12:00", "2026-06-15", "2026-06-18"),  # mid-week
    # Sunday 00:30 of the spring DST change is Saturday 23:30 UTC: in UTC the cut-off would be
    # Monday 03-23; the local date makes it 03-30.
    ("2026-03-29 00:30", "2026-03-30", "2026-03-30"),
    ("2026-10-25 23:30", "2026-10-26", "2026-10-26"),  # the autumn change's Sunday, late
    ("2026-10-26 00:30", "2026-10-26", "2026-10-27"),
]


@pytest.mark.parametrize(("last", "week", "day"), HORIZONS)
def test_the_build_cut_off_by_hand(tmp_path, last, week, day):
    end = dt.datetime.fromisoformat(last)
    start = (end - dt.timedelta(minutes=5)).isoformat(sep=" ")
    rows = {"customers": [{"customer_id": "C1", "customer_since": "2020-01-01"}],
            "calls": [call("K1", start, last, "C1")]}  # fmt: skip
    con = build(tmp_path, rows)
    cutoff = "select as_of_date from intermediate.int_customers__risk_cutoff"
    assert con.execute(cutoff).fetchall() == [(dt.date.fromisoformat(week),)]
    build_all(con, settings_for(tmp_path).with_overrides(risk={"build_cutoff": "day"}))
    assert con.execute(cutoff).fetchall() == [(dt.date.fromisoformat(day),)]
    con.close()


def test_labels_are_churn_within_the_horizon(world):
    con, _ = world
    labels = dict(churn_labels(con, dt.date(2026, 3, 15), 28).iter_rows())
    assert labels["C7"] is True and labels["C1"] is False
    assert labels["C5"] is False  # left before the cut-off: not a churn after it
    assert dict(churn_labels(con, dt.date(2026, 3, 15), 5).iter_rows())["C7"] is False


def test_declared_extra_attributes_become_columns(world):
    frame = with_extras(features_as_of(*world, dt.date(2026, 3, 15)),
                        ["Contract", "Score"])  # fmt: skip
    rows = {r["customer_id"]: r for r in frame.to_dicts()}
    assert rows["C1"]["extra.Contract"] == "Month-to-month"
    assert rows["C1"]["extra.Score"] == "12.5"
    assert rows["C2"]["extra.Contract"] == "Two year" and rows["C3"]["extra.Contract"] is None


def test_no_clock_anywhere():
    """Cut-offs are parameters: neither the SQL nor the package reads the clock."""
    sql = [*REPO.glob("warehouse/models/**/int_customers__*.sql")]
    code = [*REPO.glob("ecoute/risk/*.py"), *REPO.glob("warehouse/python/risk*.py"), REPO / "ecoute/cli/commands/risk.py"]
    clock = re.compile(r"now\(\)|current_date|current_timestamp|today\(\)|\.now\(|time\.time\(")
    for path in [*sql, *code]:
        assert not clock.search(path.read_text(encoding="utf-8").lower()), path
