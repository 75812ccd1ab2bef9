"""Extract: gzipped CSV files are read from a decompressed copy, with the same outcome."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from etl.extract import Unpacker
from etl.pipeline import LoadError, run_load

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
    result = run_load(settings, tmp_path / "in", checks=False, build=False)
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
        run_load(settings, tmp_path / "in", checks=False, build=False)
    assert list(temp.iterdir()) == []


def test_a_broken_gzip_is_named_by_the_reader(settings, tmp_path):
    settings, temp = _settings_with_temp(settings, tmp_path)
    (tmp_path / "in" / "calls").mkdir(parents=True)
    (tmp_path / "in" / "calls" / "w1.csv.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(LoadError, match=r"w1\.csv\.gz"):
        run_load(settings, tmp_path / "in", checks=False, build=False)
    assert list(temp.iterdir()) == []


def test_gzipped_cp1252_with_c1_bytes_is_still_transcoded(settings, tmp_path):
    text = "call_id,direction,started_at,ended_at,reason\nc1,inbound,2026-06-01 09:00,2026-06-01 09:05,€ facturé\n"
    _gz(tmp_path / "in" / "calls.csv.gz", text, encoding="cp1252")
    run_load(settings, tmp_path / "in", checks=False, build=False)
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
