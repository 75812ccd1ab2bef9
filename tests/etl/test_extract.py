"""Extract: gzipped CSV files are read from a decompressed copy, with the same outcome."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from ecoute.etl.extract import Unpacker
from ecoute.etl.pipeline import LoadError, run_load

CALLS = (
    "call_id,direction,started_at,ended_at\n"
    "c1,inbound,2026-06-01 09:00,2026-06-01 09:05\n"
    "c2,inbound,2026-06-01 09:00\n"  # one field short: the reader rejects line 3
    "c3,sideways,2026-06-01 10:00,2026-06-01 10:01\n"  # a rule breaks on line 4
    "c4,outbound,2026-06-01 11:00,2026-06-01 11:02\n"
)


def _gz(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as f:
        f.write(text.encode(encoding))
    return path


def _quarantine(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "select regexp_extract(source_file, '[^/]+$'), line, field from meta.quarantine "
            "order by line"
        ).fetchall()


def _settings_with_temp(settings, tmp_path: Path):
    temp = tmp_path / "temp"
    temp.mkdir()
    return settings.with_overrides(warehouse={"temp_directory": str(temp)}), temp


def test_gzipped_calls_give_the_lines_and_fields_of_the_plain_file(settings, tmp_path):
    settings, temp = _settings_with_temp(settings, tmp_path)
    _gz(tmp_path / "in" / "calls" / "w1.csv.gz", CALLS)
    _gz(tmp_path / "in" / "calls" / "w2.csv.gz", CALLS.replace(",c", ",d").replace("\nc", "\nd"))
    result = run_load(settings, tmp_path / "in")
    assert [(f.read, f.loaded, f.quarantined) for f in result.files] == [(4, 2, 2), (4, 2, 2)]
    assert _quarantine(settings) == [
        ("w1.csv.gz", 3, "(row)"), ("w2.csv.gz", 3, "(row)"),
        ("w1.csv.gz", 4, "direction"), ("w2.csv.gz", 4, "direction"),
    ]  # fmt: skip
    assert list(temp.iterdir()) == []  # every copy removed


def test_copies_are_removed_when_the_load_fails(settings, tmp_path):
    settings, temp = _settings_with_temp(settings, tmp_path)
    _gz(tmp_path / "in" / "calls" / "w1.csv.gz", CALLS)
    _gz(tmp_path / "in" / "calls" / "w2.csv.gz", "call_id,direction\nc9,inbound\n")
    _gz(tmp_path / "in" / "calls" / "w3.csv.gz", CALLS)
    with pytest.raises(LoadError, match=r"w2\.csv\.gz: no column for required field"):
        run_load(settings, tmp_path / "in")
    assert list(temp.iterdir()) == []


def test_a_broken_gzip_is_named_by_the_reader(settings, tmp_path):
    settings, temp = _settings_with_temp(settings, tmp_path)
    (tmp_path / "in" / "calls").mkdir(parents=True)
    (tmp_path / "in" / "calls" / "w1.csv.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(LoadError, match=r"w1\.csv\.gz"):
        run_load(settings, tmp_path / "in")
    assert list(temp.iterdir()) == []


def test_gzipped_cp1252_with_c1_bytes_is_still_transcoded(settings, tmp_path):
    text = "call_id,direction,started_at,ended_at,reason\nc1,inbound,2026-06-01 09:00,2026-06-01 09:05,€ facturé\n"
    _gz(tmp_path / "in" / "calls.csv.gz", text, encoding="cp1252")
    run_load(settings, tmp_path / "in")
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("select reason from raw.calls").fetchall() == [("€ facturé",)]


def test_unpacker_works_one_file_ahead_and_cleans_up(tmp_path):
    files = [_gz(tmp_path / f"f{i}.csv.gz", f"a\n{i}\n") for i in range(3)]
    unpacker = Unpacker([files[0], None, files[2]], str(tmp_path))
    first = unpacker.take(0)
    assert first is not None and first.read_text() == "a\n0\n"
    assert unpacker.take(1) is None  # not gzip: read as it is
    unpacker.done(0)
    assert not first.exists()
    third = unpacker.take(2)
    unpacker.close()  # file 2 never marked done: close removes it
    assert third is not None and not third.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.csv.gz", "f1.csv.gz", "f2.csv.gz"]


def test_a_plain_source_is_typed_through_a_file_removed_afterwards(settings, tmp_path):
    """A Parquet source's typed rows wait in a Parquet file (etl/pipeline.py): the rows and their
    lines are those of the source, and the file is gone after the load, failed or not."""
    settings, temp = _settings_with_temp(settings, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'T' || i as ticket_id, 'C' || (i % 3) as customer_id, "
            "timestamptz '2026-06-01 08:00:00+00' + to_minutes(i) as opened_at, "
            "case when i = 4 then 'lost' else 'open' end as status from range(1, 7) t(i)) "
            f"to '{folder / 'tickets.parquet'}' (format parquet)"
        )
    result = run_load(settings, folder)
    assert [(f.read, f.loaded, f.quarantined) for f in result.files] == [(6, 5, 1)]
    assert _quarantine(settings) == [("tickets.parquet", 4, "status")]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        lines = con.execute("select ticket_id, _line from raw.tickets order by _line").fetchall()
    assert lines == [("T1", 1), ("T2", 2), ("T3", 3), ("T5", 5), ("T6", 6)]
    assert list(temp.iterdir()) == []
    (folder / "customers.csv").write_text("customer_id\nC1\n")
    (folder / "calls.csv").write_text("call_id,direction\nc1,inbound\n")  # fails the load
    with pytest.raises(LoadError):
        run_load(settings, folder, force=True)
    assert list(temp.iterdir()) == []
