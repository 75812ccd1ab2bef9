"""customer_no_show_rate, added through the metric catalogue alone, on the Brazil no-show data
set: 22,319 of 110,527 appointments with No-show = "Yes" (counted from the raw file: 20.19 %,
as its SOURCE.md says), shown everywhere as the customer's miss, never the operator's."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ecoute.jobs import load as run_load

MAPPINGS = Path(__file__).resolve().parents[2] / "etl" / "mappings"


def test_brazil_no_show_rate_over_the_data_set(settings, external):
    folder = external / "noshow-appointments-brazil"
    with next(folder.glob("noshowappointments-*.csv")).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_hand = (sum(r["No-show"] == "Yes" for r in rows), len(rows))
    assert by_hand == (22_319, 110_527)

    run_load(settings, folder, MAPPINGS / "noshow_brazil.yaml", checks=False, build=True)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        # weeks add up (a flow metric): the data set's figure is the sum over its weeks
        absent, due = con.execute(
            "select sum(numerator), sum(denominator) from marts.rpt_metrics__weekly "
            "where metric = 'customer_no_show_rate' and region = '*' and dimension = 'all'"
        ).fetchone()
        assert (absent, due) == by_hand
        assert round(absent / due * 100, 2) == 20.19
        # the operator missed none of them: the customer's absence is not the operator's miss
        missed = con.execute(
            "select sum(numerator) from marts.rpt_metrics__weekly "
            "where metric = 'missed_visit_rate' and region = '*' and dimension = 'all'"
        ).fetchone()[0]
        assert missed == 0

        from ecoute.reports.metrics import week_metrics

        week = con.execute(
            "select max(week_start) from marts.rpt_metrics__weekly "
            "where metric = 'customer_no_show_rate' and denominator > 0"
        ).fetchone()[0]
        cell = week_metrics(con, week)["metrics"]["customer_no_show_rate"]
        assert cell["kind"] == "ratio" and cell["denominator"] > 0
    finally:
        con.close()


def test_it_appears_in_every_reader_through_the_catalogue():
    from ecoute.reports.dashboard import data as D
    from ecoute.reports.metrics import METRICS
    from ecoute.reports.weekly import SECTIONS, fmt_value, rag

    assert "customer_no_show_rate" in METRICS
    visits = next(s for s in SECTIONS if s.key == "field_visits")
    assert "customer_no_show_rate" in visits.metrics
    assert fmt_value("customer_no_show_rate", 0.2019) == "20.2 %"
    # even with a target configured, the customer's miss gets no colour
    assert rag("customer_no_show_rate", 0.9, {"customer_no_show_rate": {"green": 0, "red": 0.1}}) == (
        "none"
    )
    assert D.LABELS["customer_no_show_rate"] == "Customer not at home"
    assert "customer_no_show_rate" in D.RANKABLE
