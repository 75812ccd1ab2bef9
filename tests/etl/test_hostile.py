"""Hostile and careless input (tests/etl/hostile.py makes the files): every row read is loaded,
quarantined with its physical line, field and reason, or counted as a duplicate; memory and disk
stay bounded whatever one line holds."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import duckdb
import pytest

from ecoute.etl.pipeline import LoadError, run_load
from tests.etl import hostile

ALL_SHARES = {"max_quarantined_share": 1.0}


def _rows(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _quarantine(settings, entity: str) -> dict[int, tuple[str, str, str]]:
    rows = _rows(settings, "select line, field, reason, record from meta.quarantine "
                 f"where entity = '{entity}' order by line")  # fmt: skip
    return {line: (field, reason, record) for line, field, reason, record in rows}


def _check(result, settings, entity: str, case: hostile.Case) -> None:
    f = next(f for f in result.files if f.entity == entity)
    assert f.read == f.loaded + f.quarantined + f.duplicate
    assert (f.loaded, f.quarantined) == (case.loaded, len(case.quarantined)), f
    got = {line: field for line, (field, _, _) in _quarantine(settings, entity).items()}
    assert got == case.quarantined


def test_unreadable_or_implausible_values_are_quarantined_not_replaced(settings, tmp_path):
    cases = hostile.bad_values(tmp_path)
    result = run_load(settings.with_overrides(load=ALL_SHARES), tmp_path)
    for entity, case in cases.items():
        _check(result, settings, entity, case)
    reasons = {n: r for n, (_, r, _) in _quarantine(settings, "calls").items()}
    assert "plausible range 1990-01-01" in reasons[3] and "ended_at" in reasons[3]
    assert "hour 24" in reasons[7] and "date without a time" in reasons[8]
    assert "more than 24 h after started_at" in reasons[9]
    assert 'unknown value "ivr"' in reasons[10] and "NUL" in reasons[11]
    # Empty takes the contract's default; 'abc' never does.
    assert _rows(settings, "select ticket_id, reopened_count from raw.tickets order by 1") == [
        ("t1", 0), ("t6", 2)]  # fmt: skip
    assert _rows(settings, "select customer_id, monthly_fee::varchar from raw.customers") == [
        ("00002525", "39.00")]  # fmt: skip
    # Nothing outside the bounds reached raw: the calendar and models span 2026 only.
    assert _rows(settings, "select min(started_at)::date::varchar, max(ended_at)::date::varchar "
                 "from raw.calls") == [("2026-06-01", "2026-06-01")]  # fmt: skip


def test_json_lines_repeated_key_nul_and_2mb_line(settings, tmp_path):
    case = hostile.messages(tmp_path)
    result = run_load(settings.with_overrides(load=ALL_SHARES), tmp_path)
    _check(result, settings, "messages", case)
    reasons = {n: r for n, (_, r, _) in _quarantine(settings, "messages").items()}
    assert "key appears twice" in reasons[2] and "max_json_line_bytes" in reasons[4]


def test_a_stray_quote_costs_one_record_and_keeps_every_line(settings, tmp_path):
    case = hostile.stray_quote(tmp_path)
    result = run_load(settings, tmp_path)
    _check(result, settings, "customers", case)
    # Every other customer c{i} keeps its physical line i + 1.
    lines = _rows(settings, "select customer_id, _line from raw.customers")
    assert len(lines) == 299 and all(int(c[1:]) + 1 == n for c, n in lines)
    (_, reason, record), = _quarantine(settings, "customers").values()
    assert "quote" in reason
    # The rejected line's phone number is hashed, never in the clear.
    assert "+32 470 99 88 77" not in record and "pii:" in record


def test_mixed_crlf_and_lf_lines_load(settings, tmp_path):
    case = hostile.mixed_newlines(tmp_path)
    _check(run_load(settings, tmp_path), settings, "calls", case)
    assert _rows(settings, "select count(*) from raw.calls where call_id like '%\r%'") == [(0,)]


def test_a_10mb_field_is_one_quarantined_record(settings, tmp_path):
    case = hostile.long_field(tmp_path)
    _check(run_load(settings, tmp_path), settings, "calls", case)
    (_, reason, record), = _quarantine(settings, "calls").values()
    assert "max_line_bytes" in reason and len(record) <= 2100


# Runs one command and prints its peak RSS (KB): this wrapper's only child is the command,
# where this worker's RUSAGE_CHILDREN would also hold every earlier child's peak.
_PEAK = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(done.returncode)"
)


def _peak_of(command: list[str], env: dict) -> tuple[int, str, float]:
    """Run ``command``: its exit code, its output and its own peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    *output, peak_kb = done.stderr.rstrip().splitlines() or ["0"]
    return done.returncode, done.stdout + "\n".join(output), int(peak_kb) / 1024


def test_one_wide_line_keeps_memory_bounded(settings, tmp_path):
    """100,000 extra fields on one line: quarantined before DuckDB's reject store sees it
    (that store took 6.9 GB). The load runs in a child process whose peak RSS is measured."""
    case = hostile.wide_line(tmp_path)
    env = {**os.environ, "ECOUTE_WAREHOUSE": str(settings.warehouse),
           "ECOUTE__ETL__PII_KEY": "test-key"}  # fmt: skip
    returncode, output, peak_mb = _peak_of([sys.executable, "-m", "ecoute.cli", "load",
                                            str(tmp_path), "--no-checks", "--no-build"],
                                           env)  # fmt: skip
    assert returncode == 0, output
    assert peak_mb < 700, peak_mb
    got = {n: f for n, (f, _, _) in _quarantine(settings, "calls").items()}
    assert got == case.quarantined
    assert _rows(settings, "select count(*) from raw.calls") == [(case.loaded,)]


def test_careless_folder_warns_and_loads_the_rest(settings, tmp_path):
    hostile.careless_folder(tmp_path)
    result = run_load(settings, tmp_path)
    text = "\n".join(result.warnings)
    assert "call.csv: matches no entity" in text
    assert "tickets.csv: empty file" in text and "customers.csv: no rows (header only)" in text
    assert result.total("loaded") == 1


def test_truncated_gzip_names_the_file(settings, tmp_path):
    path = hostile.truncated_gzip(tmp_path)
    with pytest.raises(LoadError, match=f"{path}: truncated or corrupt gzip"):
        run_load(settings, tmp_path)


def test_gzip_bomb_stops_at_the_cap(settings, tmp_path):
    (tmp_path / "in").mkdir()
    path = hostile.gzip_bomb(tmp_path / "in", megabytes=40)
    temp = tmp_path / "tmp"
    temp.mkdir()
    capped = settings.with_overrides(load={"gunzip_max_mb": 8}, warehouse={"temp_directory": str(temp)})
    with pytest.raises(LoadError, match=f"{path}: decompresses to more than 8 MB"):
        run_load(capped, tmp_path / "in")
    assert list(temp.glob("ecoute-*")) == []


def test_a_crashed_loads_temp_files_go_on_the_next_start(settings, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    dead = temp / "ecoute-gunzip-999999999-abc.csv"  # no such process
    alive = temp / f"ecoute-typed-{os.getpid()}-abc.parquet"
    for p in (dead, alive):
        p.write_text("x")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "calls.csv").write_text(hostile.CALL_HEADER + "\n")
    run_load(settings.with_overrides(warehouse={"temp_directory": str(temp)}), tmp_path / "in")
    assert not dead.exists() and alive.exists()


def test_force_on_an_identical_folder_updates_nothing(settings, tmp_path):
    good = {"customer_id": "C1", "received_at": "2026-06-01 09:00:00", "channel": "email"}
    lines = [{"message_id": "m1", **good, "body": "v1"}, {"message_id": "m1", **good, "body": "v2"},
             {"message_id": "m2", **good, "body": "b"}]  # fmt: skip
    (tmp_path / "messages.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    first = run_load(settings, tmp_path).files[0]
    again = run_load(settings, tmp_path, force=True).files[0]
    assert (first.loaded, first.updated) == (3, 1)
    assert (again.read, again.loaded, again.updated, again.duplicate) == (3, 0, 0, 3)
    assert _rows(settings, "select body from raw.messages where message_id = 'm1'") == [("v2",)]


def test_an_abnormal_quarantined_share_fails_with_the_top_reasons(settings, tmp_path):
    rows = [hostile.GOOD_CALL.format(id=f"c{i}") for i in range(60)]
    rows[:20] = [r.replace(",inbound,", ",incoming,") for r in rows[:20]]  # a mapping typo
    (tmp_path / "calls.csv").write_text(hostile.CALL_HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(LoadError, match=r"20 of 60 rows quarantined \(33% > .* 20%\); top "
                       r'reasons: 20 × direction: unknown value "incoming"'):  # fmt: skip
        run_load(settings, tmp_path)
    assert _rows(settings, "select count(*) from meta.quarantine") == [(0,)]  # rolled back


def test_pii_in_the_quarantine_is_hashed_and_the_default_key_refused(settings, tmp_path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,segment,email,phone\nc1,residentiel,a@b.be,+32 470 12 34 56\n"
    )
    run_load(settings, tmp_path)
    ((_, _, record),) = _quarantine(settings, "customers").values()
    assert "a@b.be" not in record and "470" not in record
    assert json.loads(record)["customer_id"] == "c1"
    for key in ("change-me", "", "  "):
        with pytest.raises(LoadError, match=r"pii_key is the default or empty: .*ECOUTE__ETL__PII_KEY"):
            run_load(settings.with_overrides(etl={"pii_key": key}), tmp_path)


def test_gzip_of_a_plain_file_still_loads(settings, tmp_path):
    """The capped decompression leaves a normal .gz alone."""
    text = hostile.CALL_HEADER + "\n" + hostile.GOOD_CALL.format(id="z") + "\n"
    (tmp_path / "calls.csv.gz").write_bytes(gzip.compress(text.encode()))
    assert run_load(settings, tmp_path).files[0].loaded == 1


def test_parquet_ids_keep_their_text(settings, tmp_path):
    """A string id keeps its zeros; Parquet timestamps outside the bounds are quarantined too."""
    duckdb.sql(
        "copy (select * from (values ('00002525', 'residential', date '2019-03-01'), "
        "('c2', 'business', date '1850-01-01')) t(customer_id, segment, customer_since)) "
        f"to '{tmp_path / 'customers.parquet'}' (format parquet)"
    )
    f = run_load(settings, tmp_path).files[0]
    assert (f.read, f.loaded, f.quarantined) == (2, 1, 1)
    assert _rows(settings, "select customer_id from raw.customers") == [("00002525",)]
    assert {n: fld for n, (fld, _, _) in _quarantine(settings, "customers").items()} == {
        2: "customer_since"}  # fmt: skip
