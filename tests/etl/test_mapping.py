"""Mappings that extend source packs or other mapping files (etl/mapping.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoute.etl.mapping import MappingError, load_mapping, pack_names


def test_packs_are_listed():
    assert {"amazon-connect", "genesys", "servicenow", "salesforce-fs", "zendesk",
            "five9"} <= set(pack_names())  # fmt: skip


def test_extends_takes_the_pack_and_the_files_own_entities_win(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "extends: servicenow\ntimezone: Europe/Paris\n"
        "entities:\n  customers:\n    path: clients.csv\n"
    )
    m = load_mapping(mine)
    assert m.timezone == "Europe/Paris"
    assert m.for_entity("tickets").columns["customer_id"] == "caller_id.user_name"
    assert m.for_entity("customers").path == "clients.csv"


def test_extends_names_an_unknown_pack(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: nowhere\n")
    with pytest.raises(MappingError, match="neither a source pack"):
        load_mapping(mine)


def test_versions_need_json(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("entities:\n  calls:\n    format: csv\n    version: updated\n")
    with pytest.raises(MappingError, match="need format json or jsonl"):
        load_mapping(mine)


def test_several_folders_feed_one_entity(settings, tmp_path):
    """docs/mappings.md's example: Lyon's file has calls 1 and 2, Lille's (two folders down)
    calls 2 (the same row) and 3. Files load in path order, Lille's first, so Lyon's call 2 is
    the exact duplicate → read 4 = loaded 3 + duplicate 1, each file with its own accounting."""
    import duckdb

    from ecoute.etl.pipeline import run_load

    head = "N° appel;direction;started_at;ended_at\n"
    row = "{0};inbound;2026-06-15 08:0{0}:00;2026-06-15 08:0{0}:30\n"
    (tmp_path / "in" / "site-lyon").mkdir(parents=True)
    (tmp_path / "in" / "site-lille" / "2026").mkdir(parents=True)
    (tmp_path / "in" / "site-lyon" / "calls-01.csv").write_text(
        head + row.format(1) + row.format(2)
    )
    (tmp_path / "in" / "site-lille" / "2026" / "appels_06.csv").write_text(
        head + row.format(2) + row.format(3)
    )
    (tmp_path / "m.yaml").write_text(
        "entities:\n  calls:\n"
        '    path: ["site-lyon/calls-*.csv", "site-lille/**/appels_*.csv"]\n'
        '    delimiter: ";"\n    columns: {call_id: "N° appel"}\n'
    )
    result = run_load(settings, tmp_path / "in", tmp_path / "m.yaml")
    counts = {Path(f.path).name: (f.read, f.loaded, f.duplicate) for f in result.files}
    assert counts == {"appels_06.csv": (2, 2, 0), "calls-01.csv": (2, 1, 1)}
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("select list(call_id order by call_id) from raw.calls").fetchone()[0] == [
        "1", "2", "3"
    ]  # fmt: skip
