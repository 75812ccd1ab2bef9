"""`ecoute load`, `quarantine`, `loads`, `build` and `--help`, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
from typer.testing import CliRunner

from ecoute.cli import app
from tests.etl import hostile

CALLS = (
    "call_id,direction,started_at,ended_at\n"
    "c1,inbound,2026-06-15 09:00,2026-06-15 09:05\n"
    "c2,inbound,2026-06-15 10:00,2026-06-15 09:05\n"
)


def _invoke(settings, *args: str):
    return CliRunner().invoke(app, ["--warehouse", str(settings.warehouse), *args])


def test_every_command_has_help():
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert {"load", "quarantine", "loads", "build", "metrics", "customer", "worst", "messages",
            "check", "report", "alerts", "schedule", "dashboard", "risk", "compensation",
            "demo"} <= set(names)  # fmt: skip
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage" in result.output


def test_help_imports_no_heavy_library():
    code = (
        "import sys; from ecoute.cli import app; "
        "heavy = [m for m in ('duckdb', 'polars', 'pandas', 'great_expectations', 'plotly', "
        "'dash', 'sklearn') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_load_prints_accounting_then_quarantine_and_history(settings, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "calls.csv").write_text(CALLS)
    result = _invoke(settings, "load", str(tmp_path / "in"), "--no-checks")
    assert result.exit_code == 0, result.output
    assert "load 1 completed: 2 rows read, 1 loaded (0 updated), 1 quarantined, 0 duplicates" in (
        result.output
    )
    assert "ecoute quarantine --load 1" in result.output

    rows = json.loads(_invoke(settings, "quarantine", "--format", "json").output)
    assert [(r["line"], r["field"], r["reason"]) for r in rows] == [
        (3, "ended_at", "ended_at: is before started_at")
    ]
    assert rows[0]["record"]["call_id"] == "c2"  # JSON holds the record as an object

    files = json.loads(_invoke(settings, "loads", "--files", "--format", "json").output)
    assert [
        (f["entity"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) for f in files
    ] == [("calls", 2, 1, 1)]
    assert _invoke(settings, "build").exit_code == 0
    assert _invoke(settings, "build", "--no-atomic").exit_code == 0


def test_load_failure_is_one_line_and_changes_nothing(settings, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "calls.csv").write_text("call_id,direction\nc1,inbound\n")
    result = _invoke(settings, "load", str(tmp_path / "in"), "--no-checks")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: load failed, warehouse unchanged:")
    assert "no column for required field(s)" in lines[0]


def test_bad_mapping_is_named(settings, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "calls.csv").write_text(CALLS)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("entities:\n  callz: {}\n")
    result = _invoke(settings, "load", str(tmp_path / "in"), "--mapping", str(mapping))
    assert result.exit_code == 1
    assert "unknown entity 'callz'" in result.output and str(mapping) in result.output


def test_load_warns_on_a_misnamed_an_empty_and_a_header_only_file(settings, tmp_path):
    """tests/etl/hostile.py's careless folder: `call.csv` (meant `calls.csv`) is not read,
    `tickets.csv` is empty, `customers.csv` has its header only; the one good call loads. The
    operator sees each on stderr, not only the pipeline."""
    hostile.careless_folder(tmp_path)
    result = _invoke(settings, "load", str(tmp_path), "--no-checks", "--no-build")
    assert result.exit_code == 0, result.output
    warnings = sorted(line for line in result.stderr.splitlines() if line.startswith("warning"))
    assert len(warnings) == 3, result.stderr
    assert warnings[0].startswith(f"warning: {tmp_path}/call.csv: matches no entity, not loaded")
    assert warnings[1:] == [
        f"warning: {tmp_path}/customers.csv: no rows (header only), nothing loaded",
        f"warning: {tmp_path}/tickets.csv: empty file, nothing loaded",
    ]
    assert "1 loaded" in result.stdout


def test_an_abnormal_quarantined_share_fails_the_load_in_one_line(settings, tmp_path):
    """60 calls, 20 of them with the mapping typo `incoming`: 33 % > the default 20 %. Exit 1,
    one line with the top reason, and the load rolled back (no call, no quarantined row)."""
    rows = [hostile.GOOD_CALL.format(id=f"c{i}") for i in range(60)]
    rows[:20] = [r.replace(",inbound,", ",incoming,") for r in rows[:20]]
    (tmp_path / "calls.csv").write_text(hostile.CALL_HEADER + "\n" + "\n".join(rows) + "\n")
    result = _invoke(settings, "load", str(tmp_path), "--no-checks", "--no-build")
    assert result.exit_code == 1
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: load failed, warehouse unchanged: ")
    assert "20 of 60 rows quarantined (33% > [load] max_quarantined_share 20%)" in result.stderr
    assert 'top reasons: 20 × direction: unknown value "incoming"' in result.stderr
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        counts = [con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("raw.calls", "meta.quarantine")]  # fmt: skip
    finally:
        con.close()
    assert counts == [0, 0]
