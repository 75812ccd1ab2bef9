"""The Amazon Connect pack on a sample built from AWS's contact-record data model.

The sample (contact-records/…/ctr-stream-….jsonl), line by line:
1 A, LastUpdateTimestamp 07:09:05, no outcome      → superseded by line 4
2 B, inbound, agent hung up, NextContactId C        → loaded
3 C, TRANSFER from B (PreviousContactId B)          → loaded, initiation transfer
4 A, LastUpdateTimestamp 07:12:00, outcome resolved → loaded (latest copy)
5 D, queued, no Agent, customer hung up             → loaded, unanswered
6 A, the 07:09:05 copy again (late re-delivery)     → superseded
7 E, Channel CHAT                                   → quarantined: not a call
8 a line cut in the middle                          → quarantined: not a JSON object
9 F, CALLBACK                                       → loaded, outbound callback
read 9 = loaded 5 + superseded 2 + quarantined 2 + duplicates 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ecoute.etl.mapping import pack_path
from ecoute.etl.pipeline import run_load

SAMPLE = Path(__file__).parent / "amazon-connect"
A, B, C = (f"0a1b2c3d-0000-4000-8000-00000000000{x}" for x in "abc")


def test_sample_loads_with_latest_copy_and_every_line_accounted(settings):
    result = run_load(settings, SAMPLE, pack_path("amazon-connect"))
    (f,) = result.files
    assert (f.read, f.loaded, f.superseded, f.quarantined, f.duplicate) == (9, 5, 2, 2, 0)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute(
        "select call_id, direction, initiation, outcome, ticket_id, agent_id, queue, "
        "disconnect_party, answered_at is not null, previous_call_id, extra ->> 'NextContactId', "
        "customer_id from raw.calls"
    ).fetchall()}  # fmt: skip
    assert rows[A][:8] == ("inbound", "inbound", "resolved", "INC00000042", "tech-007",
                           "Technical", "customer", True)  # fmt: skip
    assert rows[B][2] is None and rows[B][9] == C and rows[B][6] == "agent"
    assert rows[C][1] == "transfer" and rows[C][8] == B
    d = rows["0a1b2c3d-0000-4000-8000-00000000000d"]
    assert d[4] is None and d[7] is False and d[6] == "customer"
    assert rows["0a1b2c3d-0000-4000-8000-00000000000f"][:2] == ("outbound", "callback")
    started = con.execute(
        f"select strftime(timezone('UTC', answered_at), '%H:%M:%S') from raw.calls where call_id = '{A}'"
    ).fetchone()[0]
    assert started == "07:03:10"  # Agent.ConnectedToAgentTimestamp, UTC as written
    quarantined = con.execute("select line, reason from meta.quarantine order by line").fetchall()
    assert quarantined[0] == (7, 'direction: unknown value "none: CHAT contact, not a call" '
                                 "(expected inbound|outbound)")  # fmt: skip
    assert quarantined[1] == (8, "not a JSON object")
    superseded = con.execute("select line from meta.superseded order by line").fetchall()
    assert superseded == [(1,), (6,)]
    # The phone number is kept only as a keyed hash.
    assert (
        "+32470123456"
        not in con.execute("select string_agg(extra::varchar) from raw.calls").fetchone()[0]
    )


def test_an_older_copy_in_a_later_load_does_not_roll_back(settings, tmp_path):
    run_load(settings, SAMPLE, pack_path("amazon-connect"))
    # The first, older copy of A arrives again on its own, in a later delivery.
    src = next(SAMPLE.rglob("*.jsonl"))
    later = tmp_path / "later" / "contact-records"
    later.mkdir(parents=True)
    (later / "late.jsonl").write_text(src.read_text().splitlines()[0] + "\n")
    result = run_load(settings, tmp_path / "later", pack_path("amazon-connect"))
    (f,) = result.files
    assert (f.read, f.loaded, f.superseded) == (1, 0, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute(f"select outcome from raw.calls where call_id = '{A}'").fetchone() == (
        "resolved",
    )


def test_source_option_loads_through_the_pack(settings, tmp_path):
    from typer.testing import CliRunner

    from ecoute.cli import app

    shutil.copytree(SAMPLE, tmp_path / "in")
    result = CliRunner().invoke(app, ["--warehouse", str(settings.warehouse), "load",
                                      str(tmp_path / "in"), "--source", "amazon-connect",
                                      "--no-build", "--no-checks"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 older versions superseded" in result.output
    _loads_balance(settings)
    listed = CliRunner().invoke(app, ["sources"])
    assert "amazon-connect" in listed.output and "contact-records/**/*" in listed.output


def _loads_balance(settings) -> None:
    """`ecoute loads` (per load and per file) shows the sample's 9 = 5 + 2 + 2 + 0, exactly."""
    import json

    from typer.testing import CliRunner

    from ecoute.cli import app

    for extra in ([], ["--files"]):
        out = CliRunner().invoke(app, ["--warehouse", str(settings.warehouse), "loads",
                                       "--format", "json", *extra])  # fmt: skip
        assert out.exit_code == 0, out.output
        (row,) = json.loads(out.output)
        parts = ("rows_loaded", "rows_superseded", "rows_quarantined", "rows_duplicate")
        assert (row["rows_read"], *(row[p] for p in parts)) == (9, 5, 2, 2, 0)
        assert row["rows_read"] == sum(row[p] for p in parts)
    status = CliRunner().invoke(app, ["--warehouse", str(settings.warehouse), "status"])
    assert "9 rows read, 5 loaded, 2 quarantined, 2 older versions superseded" in status.output
