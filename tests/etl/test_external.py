"""Real public exports load with their worked mappings, every row accounted for, and give the
figures a person computes from the raw file (see each SOURCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ecoute.etl.pipeline import run_load
from ecoute.jobs import load as load_job

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
    rows = _bank_rows(folder)
    # Quarantined: the 25 rows whose VRU exit precedes their VRU entry, and the 278 PHANTOM
    # records (2 of them among those 25), each with its reason.
    reasons = dict(con.execute("select line, reason from meta.quarantine").fetchall())
    bad_lines = {i for i, r in rows if _secs(r["vru_exit"]) < _secs(r["vru_entry"])}
    phantoms = {i for i, r in rows if r["outcome"] == "PHANTOM"}
    assert (len(bad_lines), len(phantoms), len(bad_lines & phantoms)) == (25, 278, 2)
    assert set(reasons) == bad_lines | phantoms and f.quarantined == 301
    assert all("PHANTOM virtual record" in reasons[i] for i in phantoms)
    kept = [r for i, r in rows if i not in bad_lines | phantoms]
    by_hand = sum(r["outcome"] == "HANG" for r in kept) / len(kept)
    unanswered, calls = con.execute(
        "select count(*) filter (where answered_at is null and disconnect_party = 'customer'), "
        "count(*) from raw.calls"
    ).fetchone()
    assert round(unanswered / calls, 6) == round(by_hand, 6)
    assert abs(by_hand - 0.179) < 0.001  # SOURCE.md: 17.9 % HANG among non-phantom calls
    # A call crossing midnight ends the next day, never before it starts.
    assert (
        con.execute("select count(*) from raw.calls where ended_at < started_at").fetchone()[0] == 0
    )


def test_anonymous_bank_abandon_rate_leaves_phantoms_out(settings, external):
    # By hand from the file: of the calls kept (no PHANTOM, no VRU exit before entry), HANG
    # calls that waited at least short_abandon_s (10 s) in queue are abandons; HANG calls that
    # waited less are short abandons, out of the denominator too.
    folder = external / "anonymous-bank-callcenter"
    kept = [r for _, r in _bank_rows(folder)
            if r["outcome"] != "PHANTOM" and _secs(r["vru_exit"]) >= _secs(r["vru_entry"])]  # fmt: skip
    hangs = [_wait_s(r) for r in kept if r["outcome"] == "HANG"]
    abandons = sum(w >= 10 for w in hangs)
    eligible = len(kept) - sum(w < 10 for w in hangs)
    assert (abandons, eligible) == (4_651, 31_792)  # 14.63 %; with the 254 PHANTOMs: 4,905
    load_job(settings, folder, MAPPINGS / "anonymous_bank.yaml", checks=False)
    con = _con(settings)
    # The abandon rate over the whole data set, from the weekly mart every reader uses.
    numerator, denominator = con.execute(
        "select sum(numerator), sum(denominator) from marts.rpt_metrics__weekly "
        "where metric = 'abandon_rate' and region = '*' and dimension = 'all'"
    ).fetchone()
    assert (numerator, denominator) == (abandons, eligible)
    assert round(numerator / denominator, 4) == 0.1463


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


def _bank_rows(folder: Path) -> list[tuple[int, dict[str, str]]]:
    """The log's rows with their file line numbers (the header is line 1)."""
    with (folder / "anonymous_bank_1999_02.tsv").open(newline="") as fh:
        return list(enumerate(csv.DictReader(fh, delimiter="\t"), start=2))


def _wait_s(row: dict[str, str]) -> int:
    """Seconds from entering the queue (else the VRU) to the end of an unanswered call."""
    entry = _secs(row["vru_entry"])
    queued = row["q_start"] != "0:00:00"
    start = _secs(row["q_start"]) if queued else entry
    end = _secs(row["q_exit"]) if row["q_exit"] != "0:00:00" else _secs(row["vru_exit"])
    return (end + 86_400 * (end < entry)) - (start + 86_400 * (start < entry))


def _secs(hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return h * 3600 + m * 60 + s
