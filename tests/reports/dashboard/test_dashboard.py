"""The dashboard without a browser: numbers agree with the metric layer, filters, the lock,
access control, customer views off, the static export and escaping."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecoute.core.settings import Settings
from ecoute.reports.dashboard import data as D
from ecoute.reports.dashboard import figures as F
from ecoute.reports.dashboard.access import Access, AccessError, hash_password, is_loopback
from ecoute.reports.dashboard.app import Config, create_app, drill_step, filters_from, view_people
from tests.reports.dashboard._world import HTML_SUBJECT


def _reader_and_period(settings: Settings) -> tuple[D.Reader, dict]:
    reader = D.Reader(settings)
    return reader, reader.fetch(("periods",), D.periods).value


def test_kpis_agree_with_the_metric_layer(dash_world) -> None:
    from ecoute.core.db import connect
    from ecoute.reports.metrics import week_metrics

    reader, period = _reader_and_period(dash_world.settings)
    f = D.default_filters(period, 4)
    con = connect(dash_world.settings, read_only=True)
    try:
        got = D.kpis(con, f, reader.team_re, ("inbound_calls", "abandon_rate", "missed_visit_rate"))
        expected = week_metrics(con, f.end)["metrics"]
        region = next(r for r in D.options(con)["values"]["region"] if r != "(none)")
        by_region = D.kpis(con, D.Filters(f.start, f.end, region=region), reader.team_re,
                           ("abandon_rate",))  # fmt: skip
        expected_region = week_metrics(con, f.end, region=region)["metrics"]
    finally:
        con.close()
    for metric in ("inbound_calls", "abandon_rate", "missed_visit_rate"):
        assert got["metrics"][metric]["value"] == pytest.approx(expected[metric]["value"])
        assert got["metrics"][metric]["previous"] == pytest.approx(expected[metric]["previous"])
    assert by_region["metrics"]["abandon_rate"]["value"] == pytest.approx(
        expected_region["abandon_rate"]["value"]
    )


def test_range_ratios_are_summed_parts_not_averaged_weeks(dash_world) -> None:
    """Over several weeks a region's rate is Σ numerators / Σ denominators from the mart."""
    from ecoute.core.db import connect

    reader, period = _reader_and_period(dash_world.settings)
    f = D.default_filters(period, 4)
    con = connect(dash_world.settings, read_only=True)
    try:
        rows = D.by_region(con, f, "abandon_rate", reader.team_re)
        region = rows[0]["region"]
        num, den = con.execute(
            "select sum(numerator), sum(denominator) from marts.rpt_metrics__weekly "
            "where metric = 'abandon_rate' and region = ? and dimension = 'all' "
            "and week_start between ? and ?",
            [region, f.start, f.end],
        ).fetchone()
    finally:
        con.close()
    assert rows[0]["value"] == pytest.approx(num / den)
    assert [r["value"] for r in rows] == sorted((r["value"] for r in rows), reverse=True)


def test_team_rolls_up_its_technicians(dash_world) -> None:
    from ecoute.core.db import connect

    reader, period = _reader_and_period(dash_world.settings)
    f = D.default_filters(period, 8)
    con = connect(dash_world.settings, read_only=True)
    try:
        teams = D.by_value(con, f, "technician", ("missed_visit_rate",), reader.team_re)
        team = next(t for t in teams if t["value"] != "(none)")["value"]
        num, den = con.execute(
            "select sum(numerator), sum(denominator) from marts.rpt_metrics__weekly "
            "where metric = 'missed_visit_rate' and region = '*' and dimension = 'technician' "
            "and dimension_value like ? || '-%' and week_start between ? and ?",
            [team, f.start, f.end],
        ).fetchone()
        sliced = D.kpis(con, D.with_slice(f, "technician", team=team), reader.team_re,
                        ("missed_visit_rate", "abandon_rate"))  # fmt: skip
    finally:
        con.close()
    row = next(t for t in teams if t["value"] == team)
    assert row["missed_visit_rate"] == pytest.approx(num / den)
    # Calls are not recorded per technician: the tile has no value rather than a wrong one.
    assert sliced["metrics"]["abandon_rate"]["value"] is None


def test_one_slice_dimension_at_a_time() -> None:
    click = {"points": [{"customdata": "tech-fr"}]}
    region, segment, category, drill, *_ = drill_step(
        "by-queue", None, "business", None, None, click, None, {}
    )
    assert (segment, category, drill) == (None, None, {"dimension": "queue", "values": ["tech-fr"]})
    region, segment, category, drill, *_ = drill_step(
        "category", None, None, "internet", None, None, None, drill
    )
    assert drill == {"dimension": "category", "values": ["internet"]} and segment is None
    # Clicking the selected region again clears it; clicks are reset so a bar can be re-clicked.
    out = drill_step("by-region", "Antwerp", None, None,
                     {"points": [{"customdata": "Antwerp"}]}, None, None, {})  # fmt: skip
    assert out[0] is None and out[4:] == (None, None, None)


def test_dates_snap_to_iso_weeks_within_the_marts(dash_world) -> None:
    _, period = _reader_and_period(dash_world.settings)
    first = period["weeks"][0]
    f = filters_from(period, (first + dt.timedelta(days=9)).isoformat(), "2001-01-01", None, {})
    assert f.start == first and f.end == first + dt.timedelta(days=7)
    assert f.start.weekday() == 0 and f.end.weekday() == 0


def test_unsettled_week_is_said_not_shown(dash_world) -> None:
    """First-time fix settles refix_window_days (30) after its week: the range's last week is
    not final, so its tile says when it will be, and its trend has no point there."""
    from ecoute.core.db import connect
    from ecoute.reports.dashboard.app import Config, tile_facts

    reader, period = _reader_and_period(dash_world.settings)
    f = D.default_filters(period, 8)
    metrics = ("first_time_fix_rate", "abandon_rate")
    con = connect(dash_world.settings, read_only=True)
    try:
        got = D.kpis(con, f, reader.team_re, metrics)
        series = D.settled_series(con, D.metric_series(con, f, metrics, reader.team_re))
    finally:
        con.close()
    assert got["metrics"]["abandon_rate"]["settled"] is True
    ftf = got["metrics"]["first_time_fix_rate"]
    final_on = f.end + dt.timedelta(days=7 + 30)
    assert ftf["settled"] is False and ftf["settles_on"] == final_on.isoformat()
    last = max(p for p, _ in series["first_time_fix_rate"])  # the last week whose window passed
    horizon = period["horizon_local"].date()
    assert last + dt.timedelta(days=37) <= horizon < last + dt.timedelta(days=44)
    assert max(p for p, _ in series["abandon_rate"]) == f.end
    cfg = Config.from_settings(dash_world.settings)
    tiles = {t["metric"]: t for t in tile_facts(cfg, got, None, f)}
    on = f"{final_on.day} {final_on:%b %Y}"  # the page's one date format, "5 Aug 2026"
    assert tiles["first_time_fix_rate"]["value"] == f"not settled yet (final on {on})"
    assert tiles["first_time_fix_rate"]["pill"] == "no target"


# --- the warehouse lock ---------------------------------------------------------------------

_WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()
con.close()
"""


@pytest.fixture
def copy_settings(dash_world, tmp_path: Path) -> Settings:
    target = tmp_path / "copy.duckdb"
    shutil.copy(dash_world.settings.warehouse, target)
    return Settings(warehouse=target, sections=dash_world.settings.sections)


def _hold_write_lock(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=20)


def test_a_load_holding_the_lock_gets_the_last_result_then_busy(copy_settings) -> None:
    reader = D.Reader(copy_settings, retries=2, retry_wait_s=0.05)
    first = reader.fetch(("periods",), D.periods)
    assert not first.stale and reader.opened == 1
    assert reader.fetch(("periods",), D.periods).value == first.value
    assert reader.opened == 1  # same warehouse version: served from the cache, file untouched
    proc = _hold_write_lock(copy_settings.warehouse)
    try:
        later = time.time() + 5
        os.utime(copy_settings.warehouse, (later, later))  # as a load would: a new version
        stale = reader.fetch(("periods",), D.periods)
        assert stale.stale and stale.value == first.value
        with pytest.raises(D.WarehouseBusy, match="A load is writing"):
            reader.fetch(("options",), D.options)
    finally:
        _release(proc)
    fresh = reader.fetch(("periods",), D.periods)
    assert not fresh.stale and reader.opened == 2


def test_the_dashboard_never_blocks_a_load(copy_settings) -> None:
    """Between refreshes no connection stays open, so a writer gets the lock at once."""
    app = create_app(copy_settings)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    proc = _hold_write_lock(copy_settings.warehouse)  # would fail if the app held the file
    _release(proc)
    assert proc.returncode == 0


def test_started_during_a_load_it_waits_for_it_then_serves(copy_settings, capsys) -> None:
    """`ecoute dashboard` started while a nightly load runs says it waits, instead of dying."""
    import threading

    proc = _hold_write_lock(copy_settings.warehouse)
    made: list = []
    starting = threading.Thread(target=lambda: made.append(create_app(copy_settings)))
    try:
        starting.start()
        said = ""
        while "warehouse busy" not in said:  # the barrier: it told it waits for the load
            said += capsys.readouterr().err
            starting.join(0.05)
            assert starting.is_alive(), "create_app returned or died while the load held the file"
    finally:
        _release(proc)
    starting.join(120)
    assert said.startswith("warehouse busy: a load is running") and "900 s" in said
    assert made and made[0].server.test_client().get("/").status_code == 200


def test_the_static_export_waits_for_a_load_and_reads_one_state(copy_settings, capsys) -> None:
    import threading

    from ecoute.reports.dashboard.export import snapshot

    proc = _hold_write_lock(copy_settings.warehouse)
    made: list = []
    exporting = threading.Thread(target=lambda: made.append(snapshot(copy_settings)))
    try:
        exporting.start()
        said = ""
        while "warehouse busy" not in said:  # the barrier: it told it waits for the load
            said += capsys.readouterr().err
            exporting.join(0.05)
            assert exporting.is_alive(), "the export returned or died while the load held the file"
    finally:
        _release(proc)
    exporting.join(120)
    assert made and made[0].startswith("<!doctype html>")
    quick = copy_settings.with_overrides(warehouse={"read_wait_s": 0.2})
    proc = _hold_write_lock(copy_settings.warehouse)
    try:
        with pytest.raises(D.WarehouseBusy, match="still held .* after 0.2 s"):
            snapshot(quick)
    finally:
        _release(proc)


def test_stale_page_says_so(copy_settings) -> None:
    from ecoute.reports.dashboard.app import view_kpis

    reader = D.Reader(copy_settings, retries=1, retry_wait_s=0.01)
    period = reader.fetch(("periods",), D.periods).value
    options = reader.fetch(("options",), D.options).value
    cfg = Config.from_settings(copy_settings)
    view_kpis(reader, cfg, period, options, None, None, None, {}, "week")
    proc = _hold_write_lock(copy_settings.warehouse)
    try:
        later = time.time() + 5
        os.utime(copy_settings.warehouse, (later, later))
        tiles, _fig, status, _caption = view_kpis(
            reader, cfg, period, options, None, None, None, {}, "week"
        )
    finally:
        _release(proc)
    assert tiles and "A load is writing to the warehouse" in str(status)


# --- access -----------------------------------------------------------------------------------


def test_loopback_only_without_authentication() -> None:
    none = Access.from_settings({})
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host)
        none.check_bind(host)
    for host in ("0.0.0.0", "192.0.2.10", "::", "dashboard.example"):
        with pytest.raises(AccessError, match="refusing to serve"):
            none.check_bind(host)
    Access.from_settings({"users": {"ceo": "hash"}}).check_bind("0.0.0.0")
    Access.from_settings({"proxy_user_header": "X-Forwarded-User"}).check_bind("0.0.0.0")


def test_cli_refuses_a_public_bind_without_auth(dash_world) -> None:
    from typer.testing import CliRunner

    from ecoute.cli import app

    result = CliRunner().invoke(
        app, ["--warehouse", str(dash_world.settings.warehouse), "dashboard", "--host", "0.0.0.0"],
        env={"ECOUTE_CONFIG": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 without authentication" in result.output


def test_basic_auth(dash_world) -> None:
    settings = dash_world.settings.with_overrides(
        dashboard={"users": {"ceo": hash_password("s3cret")}}
    )
    client = create_app(settings, warm_up=False).server.test_client()

    def auth(user: str, password: str) -> dict[str, str]:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    assert client.get("/").status_code == 401
    assert "Basic" in client.get("/").headers["WWW-Authenticate"]
    assert client.get("/", headers=auth("ceo", "wrong")).status_code == 401
    assert client.get("/", headers=auth("cfo", "s3cret")).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/", headers=auth("ceo", "s3cret")).status_code == 200
    assert client.get("/_dash-layout", headers=auth("ceo", "s3cret")).status_code == 200


def test_reverse_proxy_header(dash_world) -> None:
    settings = dash_world.settings.with_overrides(
        dashboard={"proxy_user_header": "X-Forwarded-User", "proxy_trusted": ["127.0.0.1"]}
    )
    client = create_app(settings, warm_up=False).server.test_client()
    assert client.get("/").status_code == 403
    assert client.get("/", headers={"X-Forwarded-User": "ceo"}).status_code == 200
    spoofed = client.get("/", headers={"X-Forwarded-User": "ceo"},
                         environ_base={"REMOTE_ADDR": "198.51.100.7"})  # fmt: skip
    assert spoofed.status_code == 403


def test_customer_views_off_shows_aggregates_only(dash_world) -> None:
    settings = dash_world.settings.with_overrides(dashboard={"customer_views": False})
    app = create_app(settings)
    client = app.server.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert dash_world.worst_customer not in layout
    reader, period = _reader_and_period(settings)
    worst, _risk = view_people(app, reader, Config.from_settings(settings), period,
                               None, None, None, {})  # fmt: skip
    assert worst == []
    payload = {
        "output": "..landing.style...journey-page.style...journey-page.children..",
        "outputs": [{"id": "landing", "property": "style"},
                    {"id": "journey-page", "property": "style"},
                    {"id": "journey-page", "property": "children"}],
        "inputs": [{"id": "url", "property": "pathname",
                    "value": f"/customer/{dash_world.worst_customer}"}],
        "changedPropIds": ["url.pathname"], "state": [],
    }  # fmt: skip
    body = client.post("/_dash-update-component", json=payload).get_data(as_text=True)
    assert "Customer views are switched off" in body
    assert HTML_SUBJECT.split("&")[0].strip() not in body and "journey-graph" not in body


# --- static export ------------------------------------------------------------------------------


def test_export_is_self_contained(dash_world, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ecoute.cli import app

    out = tmp_path / "snap.html"
    result = CliRunner().invoke(
        app, ["--warehouse", str(dash_world.settings.warehouse), "dashboard", "--export", str(out)],
        env={"ECOUTE_CONFIG": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "<script src=" not in text and "<link" not in text  # nothing fetched from anywhere
    assert "plotly.js" in text and len(text) > 1_000_000  # the library itself, inline
    assert text.count("Plotly.newPlot") >= 4
    assert dash_world.worst_customer in text  # customer views on by default
    assert 'class="kpi-value"' in text


def test_export_without_customer_views(dash_world) -> None:
    from ecoute.reports.dashboard.export import snapshot

    text = snapshot(dash_world.settings.with_overrides(dashboard={"customer_views": False}))
    assert dash_world.worst_customer not in text and "Who is suffering most" not in text


# --- escaping -----------------------------------------------------------------------------------


def test_data_text_is_escaped_in_figures_and_export(dash_world) -> None:
    from ecoute.core.db import connect
    from ecoute.reports.dashboard.export import _worst

    con = connect(dash_world.settings, read_only=True)
    try:
        journey = D.journey(con, dash_world.worst_customer)
    finally:
        con.close()
    assert any(HTML_SUBJECT in e["detail"] for e in journey["events"])
    fig = F.journey_timeline(journey).to_plotly_json()
    details = [c[1] for trace in fig["data"] for c in trace["customdata"]]
    assert any("&lt;b&gt;x&lt;/b&gt;" in d for d in details)
    assert not any("<b>x</b>" in d or "<script>" in d for d in details)
    bars = F.region_bars(
        [{"region": "<i>Evil</i>", "value": 0.5, "denominator": 2}], "abandon_rate", None
    )
    assert bars["data"][0]["y"] == ["&lt;i&gt;Evil&lt;/i&gt;"]
    table = _worst([{"customer_id": "<b>x</b>", "region": "R", "segment": "s"}])
    assert "&lt;b&gt;x&lt;/b&gt;" in table and "<b>x</b>" not in table


# --- churn risk (appears once its mart exists) -------------------------------------------------


def _drop_risk_table(settings: Settings) -> None:
    import duckdb

    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute("drop table if exists marts.rpt_customers__risk")
    finally:
        con.close()


def _add_risk_table(settings: Settings, customer: str) -> None:
    import duckdb

    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute(
            "create table marts.rpt_customers__risk (customer_id varchar, as_of date, "
            "score double, band varchar, reasons varchar[], mode varchar)"
        )
        con.execute(
            "insert into marts.rpt_customers__risk values "
            "(?, '2026-01-04', 0.91, 'high', ['two missed visits', '<i>angry</i>'], 'rules'), "
            "(?, '2000-01-02', 0.10, 'low', ['an old cut-off'], 'rules')",
            [customer, customer],
        )
    finally:
        con.close()


def test_risk_view_appears_when_its_mart_exists(copy_settings, dash_world) -> None:
    _drop_risk_table(copy_settings)  # the build scores customers by default
    app = create_app(copy_settings, warm_up=False)
    reader = D.Reader(copy_settings)
    period = reader.fetch(("periods",), D.periods).value
    cfg = Config.from_settings(copy_settings)
    assert view_people(app, reader, cfg, period, None, None, None, {})[1] == []
    _add_risk_table(copy_settings, dash_world.worst_customer)
    _worst, risk = view_people(app, reader, cfg, period, None, None, None, {})
    text = str(risk.to_plotly_json())
    assert "Churn risk" in text and dash_world.worst_customer in text
    assert "two missed visits; <i>angry</i>" in text  # a plain text child: React escapes it
    assert "an old cut-off" not in text  # only the latest cut-off up to the range's end
    off = Config.from_settings(copy_settings.with_overrides(dashboard={"customer_views": False}))
    _worst, risk_off = view_people(app, reader, off, period, None, None, None, {})
    text_off = str(risk_off.to_plotly_json())
    assert "Churn risk" in text_off and dash_world.worst_customer not in text_off


def test_served_under_a_url_prefix(dash_world) -> None:
    """Behind a reverse proxy at /ecoute/ (the proxy passes the path through)."""
    settings = dash_world.settings.with_overrides(dashboard={"url_prefix": "/ecoute"})
    app = create_app(settings, warm_up=False)
    client = app.server.test_client()
    assert client.get("/ecoute/").status_code == 200
    assert client.get("/ecoute/_dash-layout").status_code == 200
    assert client.get("/").status_code == 404
    assert app.get_relative_path("/customer/C1") == "/ecoute/customer/C1"


def test_tiles_are_configurable(dash_world) -> None:
    settings = dash_world.settings.with_overrides(
        dashboard={"kpis": ["dropped_call_rate", "complaint_count"], "targets": {}}
    )
    cfg = Config.from_settings(settings)
    assert [k[0] for k in cfg.kpis] == ["dropped_call_rate", "complaint_count"]
    assert [k[2] for k in cfg.kpis] == ["pct", "count"]


def test_hash_password_prints_a_hash_basic_auth_accepts() -> None:
    from typer.testing import CliRunner

    from ecoute.cli import app

    result = CliRunner().invoke(app, ["dashboard", "--hash-password"], input="pw1\npw1\n",
                                env={"ECOUTE_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = result.output.strip().splitlines()[-1]
    access = Access.from_settings({"users": {"ceo": stored}})
    token = base64.b64encode(b"ceo:pw1").decode()
    assert access.check_basic(f"Basic {token}") and "pw1" not in stored


# --- reads well: neutral zero, axes, 404, language ------------------------------------------


def test_a_change_that_rounds_to_zero_is_neutral() -> None:
    """Service level 83.31 % after 83.33 %: shown as 0.0 pt, so unchanged (■), not a red ▲;
    84.0 % after 83.0 % is a green ▲ 1.0 pt (higher is better)."""
    from ecoute.reports.dashboard.app import tile_facts

    cfg = Config(kpis=(D.kpi("service_level"),), targets={})
    f = D.Filters(start=dt.date(2026, 6, 22), end=dt.date(2026, 6, 29))

    def tile(value: float, previous: float) -> dict[str, str]:
        cell = {"value": value, "previous": previous, "settled": True}
        return tile_facts(cfg, {"metrics": {"service_level": cell}}, None, f)[0]

    same = tile(0.8331, 0.8333)
    assert same["delta"] == "■ 0.0 pt vs previous week"
    assert same["delta_class"] == "delta neutral"
    up = tile(0.84, 0.83)
    assert up["delta"] == "▲ 1.0 pt vs previous week" and up["delta_class"] == "delta good"


def test_a_rate_axis_spans_at_least_twenty_points() -> None:
    """82–85 % drawn on an 82–85 axis looks like a collapse: the axis spans ≥ 20 points."""
    low, high = F.rate_range([82.0, 85.0, 83.5], 80.0)
    assert high - low >= F.MIN_RATE_SPAN and low <= 80.0 and high >= 85.0
    assert F.rate_range([1.0, 2.0])[0] == 0.0  # never below 0 …
    assert F.rate_range([99.0, 99.5])[1] == 100.0  # … nor above 100


def test_unknown_paths_are_404_and_pages_are_200(dash_world) -> None:
    app = create_app(dash_world.settings, warm_up=False)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get(f"/customer/{dash_world.worst_customer}").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    for path in ("/nope", "/customer/", "/customer/x/y", "/admin/../etc"):
        assert client.get(path).status_code == 404, path


def test_the_caption_and_date_picker_end_on_the_same_day(dash_world) -> None:
    """The picker's end is the last week's Sunday, the day the caption names."""
    from ecoute.reports.dashboard.app import describe
    from ecoute.reports.i18n import lang

    reader, period = _reader_and_period(dash_world.settings)
    f = D.default_filters(period, 12)
    sunday = f.end + dt.timedelta(days=6)
    assert describe(f).split(" · ")[0].endswith(lang("en").short_date(sunday))
    assert filters_from(period, None, sunday.isoformat(), None, None).end == f.end
    fr = describe(f, lang("fr"))
    assert "Toutes les régions" in fr


def test_the_landing_html_carries_the_live_tiles_for_the_first_paint(dash_world) -> None:
    """The tiles are in the page's HTML itself (painted before Dash's scripts run), with the
    values the live page renders; a customer's journey page gets none."""
    import html
    import json
    import re

    client = create_app(dash_world.settings, warm_up=False).server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "data-first-paint" in page
    static = [html.unescape(v) for v in re.findall(r'<div class="kpi-value">(.*?)</div>', page)]

    def live(node: object) -> list[str]:
        if isinstance(node, list):
            return [v for n in node for v in live(n)]
        if not isinstance(node, dict):
            return []
        props = node.get("props", {})
        if str(props.get("id", "")).startswith("kpi-value-"):
            return [props["children"]]
        return [v for n in node.values() for v in live(n)]

    layout = json.loads(client.get("/_dash-layout").get_data(as_text=True))
    values = live(layout)
    assert len(static) == 8 and static == values
    # the picker can reach the data's end and no further: the horizon's day
    _, period = _reader_and_period(dash_world.settings)
    dates = _props(layout, "dates")
    assert dates["max_date_allowed"] == period["horizon_local"].date().isoformat()
    # the first view's figures are in the layout: no callback round trip draws them
    for graph in ("trends", "by-region", "by-queue", "by-team"):
        assert _props(layout, graph)["figure"]["data"], graph
    journey = client.get(f"/customer/{dash_world.worst_customer}").get_data(as_text=True)
    assert "data-first-paint" not in journey


def _props(node: object, wanted: str) -> dict:
    """The props of the component `wanted` in a served layout (JSON)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            if n.get("props", {}).get("id") == wanted:
                return n["props"]
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
    raise AssertionError(f"no {wanted} in the layout")


def test_the_served_plotly_bundle_is_the_python_packages_version() -> None:
    """The page loads plotly.js's basic bundle (scatter, bar, pie: every trace the dashboard
    draws) from its assets; it must be the plotly.js the Python package writes figures for."""
    import re

    from plotly.offline import get_plotlyjs_version

    from ecoute.reports.dashboard.app import ASSETS

    head = (ASSETS / "plotly-basic.min.js").read_text(encoding="utf-8")[:200]
    assert re.search(r"plotly\.js \(basic - minified\) v(\S+)", head)[1] == get_plotlyjs_version()


# --- the static first view (first_view.py) ----------------------------------------------------


def _first_view(page: str) -> str:
    """The static first view of a served landing page (before Dash's entry point)."""
    return page[page.index('<div id="first-view"') : page.index('<div id="react-entry-point"')]


def _panels(view: str) -> dict[str, tuple[str, str]]:
    """metric → (its title, its SVG) of the static trends."""
    import re

    found = re.findall(r'<div class="static-panel" data-metric="([^"]+)">'
                       r'<div class="static-panel-title">(.*?)</div>(.*?)</svg>', view)  # fmt: skip
    return {metric: (title, svg) for metric, title, svg in found}


def test_the_landing_html_is_the_first_view_drawn(tiny) -> None:
    """A plain GET of / on the tiny warehouse (tests/reports/_report_fixtures.py), no script
    run: the tiles and the trends are in the HTML, the trends as SVG. By hand: week 10 has six
    calls (B1–B6), week 9 two (A1, A2), so the inbound-calls tile says 6 and its panel has two
    points at 2 and 6; missed visits has one week with visits (W10); first-time fix is not
    settled yet, so its tile says so and its panel draws no point, as the live figure."""
    import html
    import json
    import re
    import urllib.request

    from tests.reports.dashboard._browser import serve

    app = create_app(tiny, warm_up=False)
    with serve(app.server) as url:
        page = urllib.request.urlopen(url + "/").read().decode("utf-8")
        again = urllib.request.urlopen(url + "/").read().decode("utf-8")
        layout = json.loads(urllib.request.urlopen(url + "/_dash-layout").read())
    view = _first_view(page)
    assert _first_view(again) == view  # built once per warehouse version
    assert "<script" not in view
    # Dash's scripts wait for the first paint (deferred), its renderer for them
    assert "<script src=" not in page and page.count("<script defer src=") >= 5
    assert 'addEventListener("DOMContentLoaded", function () { var renderer' in page
    tile = re.search(r'data-metric="inbound_calls">.*?<div class="kpi-value">(.*?)</div>', view)
    assert tile and tile.group(1) == "6"
    assert re.search(r'data-metric="first_time_fix_rate">.*?<div class="kpi-value">not settled',
                     view)  # fmt: skip
    panels = _panels(view)
    assert len(panels) == 8 and panels["inbound_calls"][0] == "Inbound calls"
    title, svg = panels["inbound_calls"]
    ticks = {t: float(y) - 3 for y, t in re.findall(r'y="([\d.]+)"[^>]*class="tick-left">([^<]+)<',
                                                   svg)}  # fmt: skip
    per_call = (ticks["0"] - ticks["8"]) / 8
    points = [float(cy) for cy in re.findall(r'<circle [^>]*cy="([\d.]+)"', svg)]
    assert [round((ticks["0"] - cy) / per_call, 6) for cy in points] == [2, 6]
    assert ">2 Mar</text>" in svg  # the last point's week, in the page's language
    # the same points as the live figure's, panel by panel (unsettled weeks left out alike)
    live = {t["name"]: len(t["x"]) for t in _props(layout, "trends")["figure"]["data"]}
    drawn = {t: s.count("<circle") for t, s in panels.values()}
    assert drawn == live
    assert drawn["Missed visits"] == 1 and drawn["Fixed at first visit"] == 0
    # in French, the whole first view is French: no English phrase, French numbers and dates
    from tests.reports.test_i18n import english_leaks

    fr = create_app(tiny, warm_up=False, language="fr").server.test_client().get("/")
    text = html.unescape(re.sub(r"<[^>]+>", " ", _first_view(fr.get_data(as_text=True))))
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert english_leaks(text, "fr") == []
    assert "Appels entrants" in text and "83,3 %" in text
    assert " 2 mars " in text  # the trend's last week, as the French page writes it


def test_the_static_first_view_escapes_operator_text() -> None:
    """Text from the data (a region in the caption, a label) is shown as text: a `</svg>` or a
    `<script>` in it stays escaped in the HTML and in the SVG."""
    from ecoute.reports.dashboard import first_view as FV
    from ecoute.reports.i18n import EN

    evil = '</svg><script>alert("x")</script>'
    kpis = (("inbound_calls", evil, "count", "higher"),)
    figure = F.trends({"inbound_calls": [(dt.date(2026, 3, 2), 6.0)]}, kpis, {}, "week")
    svg = FV.trends_svg(figure, kpis, evil, EN)
    page = FV.page_html(tagline=evil, caption=f"1 Mar – 8 Mar · {evil}", controls="",
                        hint=evil, status=evil, tiles=FV.tiles_html([]), trends=svg)  # fmt: skip
    assert "<script" not in page and page.count("</svg>") == 1
    assert "&lt;/svg&gt;&lt;script&gt;" in page
    assert 'aria-label="&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)' in page
