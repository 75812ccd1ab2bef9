"""The weekly report on the tiny warehouse: numbers equal `ecoute metrics`, filters, escaping,
self-containment, safe file names, the optional sections."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.core.db import connect
from ecoute.reports.weekly import SECTIONS, collect, render, report_path, safe_name, write_weekly
from tests.reports._report_fixtures import EVIL_REGION, SCRIPT, W10, tiny_warehouse

CARD = re.compile(
    r'data-metric="([\w.]+)" data-value="([^"]*)" data-numerator="([^"]*)" '
    r'data-denominator="([^"]*)"'
)


def _cli(settings, *args: str):
    return CliRunner().invoke(app, ["--warehouse", str(settings.warehouse), *args])


def _metrics_json(settings, *args: str) -> dict:
    result = _cli(settings, "metrics", "--week", "2026-W10", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["metrics"]


def _num(text: str) -> float | None:
    return None if text == "" else float(text)


def _write(settings, tmp_path: Path, region: str | None = None) -> str:
    con = connect(settings, read_only=True)
    try:
        written = write_weekly(con, settings, W10, tmp_path / "out", region=region)
    finally:
        con.close()
    return written.html.read_text(encoding="utf-8")


@pytest.mark.parametrize("region", [None, "Liège", "Namur"])
def test_every_card_equals_ecoute_metrics(tiny, tmp_path, region):
    html = _write(tiny, tmp_path, region)
    expected = _metrics_json(tiny, *(["--region", region] if region else []))
    cards = CARD.findall(html)
    assert len(cards) >= 30  # headline + contact centre + visits + repairs + communication
    for metric, value, num, den in cards:
        cell = expected[metric]
        assert _num(value) == cell["value"], metric
        assert _num(num) == cell["numerator"], metric
        assert _num(den) == cell["denominator"], metric


def test_hand_checked_numbers_are_printed(tiny, tmp_path):
    html = _write(tiny, tmp_path)
    # W10: 2 of 5 answered calls dropped (B2, B5); W09: 1 of 2 (A1)
    assert re.search(r'data-metric="dropped_call_rate" data-value="0.4"', html)
    assert "40.0 %" in html and "last week 50.0 %" in html and "2 of 5" in html
    # one of two visits missed, and nobody announced it
    assert re.search(r'data-metric="missed_visit_rate" data-value="0.5"', html)
    # alerts at the top: the national dropped-call rule and the unannounced visit in Liège
    alerts = html[html.index('id="alerts"') : html.index('id="headline"')]
    assert "3 alerts this week" in alerts
    assert "national: Dropped calls above 3 %" in alerts
    assert "Liège: Unannounced missed visit" in alerts


def test_region_filters_every_number_and_the_stories(tiny, tmp_path):
    html = _write(tiny, tmp_path, "Namur")
    assert '<span class="scope">Namur</span>' in html
    # Namur in W10: B2 (dropped) and B4 answered → 1 of 2
    assert re.search(r'data-metric="dropped_call_rate" data-value="0.5"', html)
    stories = html[html.index('id="worst"') : html.index('id="compensation"')]
    assert "C2" in stories and "C1" not in stories and "C5" not in stories
    assert "By region" not in html  # the region table belongs to the national report
    assert "region</dt><dd>Namur" in html


def test_customer_text_is_escaped(tiny, tmp_path):
    html = _write(tiny, tmp_path)
    assert SCRIPT not in html
    assert "alert(&#34;pwned&#34;)" in html or "alert(&quot;pwned&quot;)" in html
    # the subject appears escaped in C1's journey, the reason in the quarantine table
    assert "Nobody came &lt;script&gt;" in html
    assert "subject: unreadable &lt;script&gt;" in html
    # and the region name that tries to escape is escaped wherever it is printed
    assert "<b>Evil</b>" not in html


def test_file_is_self_contained(tiny, tmp_path):
    """Static SVG charts: no script, nothing from the network, and a file of kilobytes (it
    was 5 MB with plotly.js inlined)."""
    html = _write(tiny, tmp_path)
    assert "<script" not in html.lower()
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.I)
    assert html.count("<svg") >= 3 + 8  # calls, backlog, intents + one per headline metric
    assert len(html.encode()) < 400_000


def test_email_rendering_has_no_script(tiny):
    con = connect(tiny, read_only=True)
    try:
        report = collect(con, tiny, W10)
    finally:
        con.close()
    body = render(report, "email")
    assert "<script" not in body.lower()
    assert "40.0 %" in body and "Dropped calls above 3 %" in body


def test_parameters_in_force_are_printed(tiny, tmp_path):
    html = _write(tiny, tmp_path)
    params = html[html.index('id="parameters"') :]
    for text in ("short_abandon_s", "callback_window_h", "repair_target_working_days",
                 "dropped_call_rate &gt; 0.03", "all regions (no filter)", "2026-W09"):  # fmt: skip
        assert text in params, text


@pytest.mark.parametrize(
    "region",
    [EVIL_REGION, "../x", "a/b\\c", "..", "", "   ", "CON", "Liège, Namur & Luxembourg", "x" * 500],
)
def test_report_names_stay_in_the_output_folder(tmp_path, region):
    path = report_path(tmp_path, "2026-W10", region, "html")
    assert path.parent == tmp_path.resolve()
    assert re.fullmatch(r"weekly-2026-W10--[a-z0-9-]+\.html", path.name)
    assert len(path.name) < 90


def test_names_of_different_regions_differ():
    assert safe_name("Liège") != safe_name("Liege")
    assert safe_name("Liège").startswith("liege-")


def test_burst_writes_one_report_per_region_inside_out(tiny, tmp_path):
    out = tmp_path / "burst"
    result = _cli(tiny, "report", "weekly", "--week", "2026-W10", "--all-regions",
                  "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4  # national + Liège + Namur + the evil one
    assert "weekly-2026-W10.html" in names
    assert all(p.resolve().parent == out.resolve() for p in out.iterdir())
    assert not list(tmp_path.rglob("etc"))
    evil = out / report_path(out, "2026-W10", EVIL_REGION, "html").name
    assert "&lt;b&gt;Evil&lt;/b&gt;" in evil.read_text(encoding="utf-8")


def test_unknown_region_is_a_usage_error(tiny, tmp_path):
    result = _cli(tiny, "report", "weekly", "--week", "2026-W10", "--region", "Atlantis",
                  "--out", str(tmp_path))  # fmt: skip
    assert result.exit_code == 2
    assert "Atlantis" in result.output


def test_sections_are_a_list_of_definitions():
    keys = [s.key for s in SECTIONS]
    assert keys[0] == "headline" and "data_quality" in keys
    for section in SECTIONS:
        assert (Path("reports/templates") / f"section_{section.key}.html.j2").exists()
        for query in section.queries:
            assert (Path("reports/queries") / f"{query}.sql").exists()


def test_risk_section_only_when_its_table_exists(tiny, tmp_path):
    import duckdb

    con = duckdb.connect(str(tiny.warehouse))
    con.execute("drop table if exists marts.rpt_customers__risk")  # the build scores by default
    con.close()
    assert 'id="risk"' not in _write(tiny, tmp_path)
    con = duckdb.connect(str(tiny.warehouse))
    # the churn-risk step's table: one row per customer and cut-off
    con.execute(
        "create table marts.rpt_customers__risk (customer_id varchar, as_of date, "
        "score double, band varchar, reasons varchar[], mode varchar)"
    )
    con.execute(
        "insert into marts.rpt_customers__risk values "
        "('C2', '2026-03-08', 0.91, 'high', ['two missed visits', '<i>angry</i>'], 'rules'), "
        "('C4', '2026-03-08', 0.12, 'low', [], 'rules'), "
        "('C2', '2026-03-15', 0.55, 'medium', ['later cut-off'], 'rules')"
    )
    con.close()
    html = _write(tiny, tmp_path)
    risk = html[html.index('id="risk"') : html.index('id="data_quality"')]
    assert "Scores as of 2026-03-08 (rules mode): 1 of 2 customers in the high band" in risk
    assert "C2" in risk and "0.91" in risk and "later cut-off" not in risk
    assert "&lt;i&gt;angry&lt;/i&gt;" in risk
    liege = _write(tiny, tmp_path, "Liège")  # neither scored customer lives in Liège
    assert "No customer scored as of this week" in liege


def test_risk_section_takes_the_cut_off_at_the_week_s_end(tiny, tmp_path):
    """The build scores as of the Monday starting the data's week: once W10 is complete its
    cut-off is Monday 03-09, the end of W10, which the report of W10 must show (not 03-02's)."""
    import duckdb

    con = duckdb.connect(str(tiny.warehouse))
    con.execute(
        "create or replace table marts.rpt_customers__risk (customer_id varchar, "
        "as_of date, score double, band varchar, reasons varchar[], mode varchar)"
    )
    con.execute(
        "insert into marts.rpt_customers__risk values "
        "('C2', '2026-03-02', 0.91, 'high', ['start of the week'], 'rules'), "
        "('C2', '2026-03-09', 0.55, 'medium', ['end of the week'], 'rules'), "
        "('C2', '2026-03-16', 0.12, 'low', ['next week'], 'rules')"
    )  # fmt: skip
    con.close()
    html = _write(tiny, tmp_path)
    risk = html[html.index('id="risk"') : html.index('id="data_quality"')]
    assert "Scores as of 2026-03-09" in risk and "end of the week" in risk
    assert "start of the week" not in risk and "next week" not in risk


def test_compensation_section_reads_core_fct_compensation(tiny, tmp_path):
    import duckdb

    from ecoute.warehouse.python.compensation import build_compensation

    con = duckdb.connect(str(tiny.warehouse))
    con.execute("drop table if exists core.fct_compensation")  # as before the build computed it
    con.close()
    html = _write(tiny, tmp_path)
    assert "Compensation has not been computed" in html
    con = duckdb.connect(str(tiny.warehouse))
    written = build_compensation(con, "be_easy_switch")
    con.close()
    assert written >= 1  # V1, the missed visit
    html = _write(tiny, tmp_path)
    section = html[html.index('id="compensation"') : html.index('id="data_quality"')]
    assert "be_easy_switch" in section and "30.00 EUR" in section


def _compensation_section(tiny, tmp_path, payments: str | None) -> str:
    import duckdb

    from ecoute.warehouse.python.compensation import build_compensation

    con = duckdb.connect(str(tiny.warehouse))
    if payments is not None:
        con.execute(
            "create table staging.stg_payments (customer_id varchar, incident_id varchar, "
            "paid_at timestamptz, amount decimal(18, 2))"
        )
        if payments:
            con.execute(f"insert into staging.stg_payments values {payments}")
    build_compensation(con, "be_easy_switch")
    con.close()
    html = _write(tiny, tmp_path)
    return html[html.index('id="compensation"') : html.index('id="data_quality"')]


def test_outstanding_is_unknown_without_payments(tiny, tmp_path):
    # No payments loaded: V1's €30.00 is owed, and nobody knows whether it was paid.
    section = _compensation_section(tiny, tmp_path, None)
    assert "30.00 EUR" in section
    assert "unknown (no payments loaded)" in section and ">0.00 EUR" not in section


def test_outstanding_is_a_number_with_payments(tiny, tmp_path):
    # Payments loaded, €12.50 paid for V1: €17.50 still outstanding. With the table but no
    # payment for V1, all €30.00 is outstanding (known to be unpaid, not unknown).
    paid = "('C1', 'V1', '2026-03-06 10:00:00+00', 12.50)"
    section = _compensation_section(tiny, tmp_path, paid)
    assert "17.50 EUR" in section and "unknown" not in section
    other = tmp_path / "unpaid"
    (other / "wh").mkdir(parents=True)
    section = _compensation_section(tiny_warehouse(other / "wh"), other, "")
    assert section.count("30.00 EUR") == 2 and "unknown" not in section


def test_data_quality_without_expectation_results(tiny, tmp_path):
    html = _write(tiny, tmp_path)
    quality = html[html.index('id="data_quality"') : html.index('id="parameters"')]
    assert "meta.expectation_results is missing" in quality
    assert "ended_at: is before started_at" in quality
    assert "No load started in the window" not in quality  # load 1 ran on Monday of W11


def test_a_week_without_data_is_refused_not_an_empty_green_report(tiny, tmp_path):
    """Issue 19: an empty report headed "No alert fired this week" read as good news."""
    result = _cli(tiny, "report", "weekly", "--week", "2026-W40", "--out", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "no data for week 2026-W40; the warehouse holds 2026-W09 to 2026-W12" in result.output
    assert not (tmp_path / "weekly-2026-W40.html").exists()


def test_a_warehouse_without_marts_is_a_clear_error(tmp_path):
    import duckdb

    duckdb.connect(str(tmp_path / "raw.duckdb")).close()
    result = CliRunner().invoke(app, ["--warehouse", str(tmp_path / "raw.duckdb"), "report",
                                      "weekly", "--week", "2026-W10", "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1
    assert "run `ecoute build` first" in result.output


def test_query_values_are_literals_not_sql(tiny):
    from ecoute.reports.weekly import run_query, sql_literal

    assert sql_literal("Val d'Oise") == "'Val d''Oise'"
    assert sql_literal([1, "a"]) == "[1, 'a']"
    con = connect(tiny, read_only=True)
    try:
        params = {"week_start": W10, "top": 10}
        everyone = run_query(con, "worst_customers", {**params, "region": None})
        sneaky = run_query(con, "worst_customers", {**params, "region": "x' or '1'='1"})
    finally:
        con.close()
    assert everyone and sneaky == []


def test_an_unsettled_card_says_so_without_a_number_or_colour(tiny, tmp_path):
    """First-time fix waits refix_window_days (30) after W10: final on 8 April 2026, after
    the tiny warehouse's horizon. The card says so, has no RAG status, and the same text as
    `ecoute metrics`."""
    con = connect(tiny, read_only=True)
    try:
        report = collect(con, tiny, W10)
    finally:
        con.close()
    cards = {c["metric"]: c for s in report.context["sections"] for c in s["cards"]}
    ftf = cards["first_time_fix_rate"]
    assert ftf["value_text"] == "not settled yet (final on 2026-04-08)"
    assert ftf["status"] == "none" and ftf["delta_text"] == "no comparison"
    assert cards["missed_visit_rate"]["settled"] is True
    table = _cli(tiny, "metrics", "--week", "2026-W10").output
    assert "not settled yet (final on 2026-04-08)" in table
