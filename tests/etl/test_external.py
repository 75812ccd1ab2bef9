"""Real public exports load with their worked mappings, every row accounted for, and give the
figures a person computes from the raw file (see each SOURCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ecoute.etl.pipeline import run_load

MAPPINGS = Path(__file__).resolve().parents[2] / "etl" / "mappings"


def _con(settings):
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


def test_anonymous_bank_call_log(settings, external):
    folder = external / "anonymous-bank-callcenter"
    result = run_load(settings, folder, MAPPINGS / "anonymous_bank.yaml")
    (f,) = result.files
    assert f.read == 33_344 and f.read == f.loaded + f.quarantined + f.duplicate
    con = _con(settings)
    # The 25 quarantined rows are the ones whose VRU exit precedes their VRU entry.
    bad_lines = {r[0] for r in con.execute("select line from meta.quarantine").fetchall()}
    assert f.quarantined == len(bad_lines) == 25
    with (folder / "anonymous_bank_1999_02.tsv").open(newline="") as fh:
        rows = [(i, r) for i, r in enumerate(csv.DictReader(fh, delimiter="\t"), start=2)]
    assert all(_secs(r["vru_exit"]) < _secs(r["vru_entry"]) for i, r in rows if i in bad_lines)
    kept = [r for i, r in rows if i not in bad_lines and r["outcome"] != "PHANTOM"]
    by_hand = sum(r["outcome"] == "HANG" for r in kept) / len(kept)
    unanswered, calls = con.execute(
        "select count(*) filter (where answered_at is null and disconnect_party = 'customer'), "
        "count(*) from raw.calls where extra->>'outcome' <> 'PHANTOM'"
    ).fetchone()
    assert round(unanswered / calls, 6) == round(by_hand, 6)
    assert abs(by_hand - 0.179) < 0.001  # SOURCE.md: 17.9 % HANG among non-phantom calls
    # A call crossing midnight ends the next day, never before it starts.
    assert (
        con.execute("select count(*) from raw.calls where ended_at < started_at").fetchone()[0] == 0
    )


def test_noshow_appointments(settings, external):
    folder = external / "noshow-appointments-brazil"
    result = run_load(settings, folder, MAPPINGS / "noshow_brazil.yaml")
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined, f.duplicate) == (110_527, 110_527, 0, 0)
    con = _con(settings)
    absent, total = con.execute(
        "select count(*) filter (where status = 'customer_absent'), count(*) from raw.appointments"
    ).fetchone()
    assert (absent, total) == (22_319, 110_527)  # SOURCE.md: 20.19 % no-show
    ids = {
        r[0]
        for r in con.execute(
            "select customer_id from raw.appointments where customer_id like '%E%'"
        ).fetchall()
    }
    assert "9377952927E-5" in ids and len(ids) == 5  # scientific notation kept as written
    window = con.execute(
        "select distinct window_end - window_start from raw.appointments"
    ).fetchall()
    assert window == [(__import__("datetime").timedelta(days=1),)]


def _secs(hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return h * 3600 + m * 60 + s
