"""The demo operator is calibrated to published levels (docs/demo.md, "Calibration"): a normal
region sits inside the published ranges, the planted failures are worse by a clear margin, and
most headline metrics of a week away from the outage are on target (the catalogue's targets).

One small world (12,000 customers, 6 weeks ending 2026-W27, seed 7) is generated, loaded and
built once; the levels are read from the weekly metric mart as sums of numerators and
denominators, so a region's level is pooled over the weeks it covers.
"""

from __future__ import annotations

import duckdb
import pytest

from ecoute.core.settings import load_settings
from ecoute.demo import generate
from ecoute.demo import world as W
from ecoute.warehouse.catalogue import load as load_catalogue

OUTAGE_REGION = "Liège, Namur & Luxembourg"  # the cable cut; also team LNL-B
BAD_TEAM_REGIONS = ("Hainaut & Walloon Brabant", OUTAGE_REGION)  # HAI-C, LNL-B
NORMAL_REGIONS = ("Antwerp", "East & West Flanders", "Flemish Brabant & Limburg")
# The cable cut starts on the Thursday of week int(0.4 * 6) = 2 of 6 (2026-W24) and lasts 92 h
# into 2026-W25; the technicians stay overloaded 12 days (into W26).
OUTAGE_WEEKS = ("2026-06-08",)  # W24: Thursday to Sunday, most of the cut's 92 h
AFTERMATH_WEEKS = ("2026-06-08", "2026-06-15", "2026-06-22")
BEFORE_OUTAGE = ("2026-05-25", "2026-06-01")  # 2026-W22 and W23

# metric: (low, high) a normal region must lie in, from the published levels of docs/demo.md
PUBLISHED = {
    "abandon_rate": (0.01, 0.08),  # 5-8 % typical, under 5 % good; Ofcom: 4 % best UK provider
    "service_level": (0.75, 0.95),  # the 80/20 convention
    "repeat_contact_rate": (0.05, 0.20),  # under 20 % healthy, under 10 % high-performing
    "fcr_rate": (0.70, 0.95),  # SQM: 70 % average, 80 % world class
    "missed_visit_rate": (0.005, 0.045),  # Openreach 1.1 % repair visits; Ofcom 4.4 % (2016)
    "first_time_fix_rate": (0.75, 0.92),  # Aberdeen: 75-80 % average, 88 % best in class
    "restored_within_target": (0.85, 0.98),  # Openreach 88 % in 2 working days, standard 85 %
    "dropped_call_rate": (0.003, 0.02),
}


@pytest.fixture(scope="module")
def marts(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    from ecoute.jobs import load as run_load

    root = tmp_path_factory.mktemp("calibrated")
    settings = load_settings(config=None, warehouse=root / "ecoute.duckdb", environ={})
    settings = settings.with_overrides(etl={"pii_key": "test-key", "progress": "never"})
    summary = generate(root / "exports", customers=12_000, weeks=6, seed=7, end_week="2026-W27")
    run_load(settings, root / "exports", summary.mapping, checks=False, force=True)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield con
    con.close()


def _level(con, metric: str, regions, weeks=None, exclude_weeks=(), dimension=("all", "*")):
    """Pooled ratio: sum of numerators over sum of denominators."""
    sql = (
        "select sum(numerator) / nullif(sum(denominator), 0) from marts.rpt_metrics__weekly "
        "where metric = ? and dimension = ? and dimension_value = ? and region in (select unnest(?))"
        " and (? or week_start::varchar in (select unnest(?)))"
        " and week_start::varchar not in (select unnest(?))"
    )
    args = [
        metric,
        *dimension,
        list(regions),
        weeks is None,
        list(weeks or ()),
        list(exclude_weeks),
    ]
    return con.execute(sql, args).fetchone()[0]


def test_a_normal_region_sits_at_published_levels(marts):
    for metric, (low, high) in PUBLISHED.items():
        value = _level(marts, metric, NORMAL_REGIONS)
        assert value is not None and low <= value <= high, (metric, value)


def test_the_outage_region_stands_out_in_the_outage_weeks(marts):
    for metric, factor in (("repeat_contact_rate", 2.0), ("dropped_call_rate", 2.5),
                           ("abandon_rate", 2.0)):  # fmt: skip
        normal = _level(marts, metric, NORMAL_REGIONS, exclude_weeks=OUTAGE_WEEKS)
        hit = _level(marts, metric, [OUTAGE_REGION], weeks=OUTAGE_WEEKS)
        assert hit > factor * normal, (metric, hit, normal)
    normal_sl = _level(marts, "service_level", NORMAL_REGIONS, exclude_weeks=OUTAGE_WEEKS)
    assert _level(marts, "service_level", [OUTAGE_REGION], weeks=OUTAGE_WEEKS) < normal_sl - 0.1


def test_the_bad_teams_regions_miss_more_visits(marts):
    normal = _level(marts, "missed_visit_rate", NORMAL_REGIONS, exclude_weeks=AFTERMATH_WEEKS)
    bad = _level(marts, "missed_visit_rate", BAD_TEAM_REGIONS, exclude_weeks=AFTERMATH_WEEKS)
    assert bad > 2.5 * normal and bad > 0.05, (bad, normal)
    wide_normal = _level(marts, "wide_window_share", NORMAL_REGIONS, exclude_weeks=AFTERMATH_WEEKS)
    wide_bad = _level(marts, "wide_window_share", BAD_TEAM_REGIONS, exclude_weeks=AFTERMATH_WEEKS)
    assert wide_bad > 3 * wide_normal, (wide_bad, wide_normal)


def test_the_understaffed_queue_and_the_unlogging_queue_stand_out(marts):
    others = [q[0] for q in W.QUEUES if q[0] not in ("billing-nl", "tech-fr")]
    for metric, queue in (("abandon_rate", "billing-nl"), ("unlogged_call_rate", "tech-fr")):
        worse = _level(marts, metric, ["*"], dimension=("queue", queue), exclude_weeks=OUTAGE_WEEKS)
        normal = max(
            _level(marts, metric, ["*"], dimension=("queue", q), exclude_weeks=OUTAGE_WEEKS)
            for q in others
        )
        assert worse > 2 * normal, (metric, queue, worse, normal)


def _on_target(metric, value) -> bool:
    target = next(m.target for m in load_catalogue().metrics if m.name == metric)
    lower_is_better = target.green < target.red
    return value <= target.green if lower_is_better else value >= target.green


def test_most_headline_metrics_are_on_target_away_from_the_outage(marts):
    """The weekly report's headline ratios, nationally, over the two weeks before the cable cut
    (in this 6-week world the last weeks still carry its aftermath: visits booked 8 days out)."""
    headline = load_settings(config=None, environ={}).section("report")["headline"]
    ratios = [m.name for m in load_catalogue().metrics if m.name in headline and m.kind == "ratio"]
    values = {m: _level(marts, m, ["*"], weeks=BEFORE_OUTAGE) for m in ratios}
    green = [m for m, v in values.items() if v is not None and _on_target(m, v)]
    assert len(ratios) >= 6 and len(green) >= len(ratios) - 2, values
