"""Mappings that extend source packs or other mapping files (etl/mapping.py)."""

from __future__ import annotations

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
