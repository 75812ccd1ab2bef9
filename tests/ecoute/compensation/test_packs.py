"""Loading and checking rule packs: shipped packs load, bad packs fail with a clear reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ecoute.compensation import PackError, available_packs, load_pack


def test_shipped_packs_load():
    """The three packs of metrics.md v1 are shipped and parse."""
    assert {"be_outage_2024", "be_easy_switch", "uk_ofcom_auto"} <= set(available_packs())
    for name in ("be_outage_2024", "be_easy_switch", "uk_ofcom_auto"):
        assert load_pack(name).name == name


def test_rate_in_force_is_the_latest_listed_on_or_before_the_day():
    """UK repair: 2019 rate until 2023-03-31, 2024 rate through 2026-03-31 (no 2025 rate)."""
    [repair] = [r for r in load_pack("uk_ofcom_auto").rules if r.name == "delayed_repair"]
    assert repair.rate_on(date(2019, 3, 31)) is None
    assert repair.rate_on(date(2022, 6, 1)).values["per_day"] == Decimal("8.00")
    assert repair.rate_on(date(2026, 3, 31)).values["per_day"] == Decimal("9.76")
    assert repair.rate_on(date(2026, 4, 1)).values["per_day"] == Decimal("10.34")


def test_yaml_rates_are_exact_decimals():
    """9.33 written as a YAML float must not become 9.3299999…"""
    [repair] = [r for r in load_pack("uk_ofcom_auto").rules if r.name == "delayed_repair"]
    assert repair.rate_on(date(2023, 4, 1)).values["per_day"] == Decimal("9.33")


_OPERATOR_PACK = """\
name: fr_example
country: FR
currency: EUR
timezone: Europe/Paris
rules:
  - name: missed_visit
    kind: per_event
    applies_to: appointment
    rates:
      - {from: 2025-01-01, amount: 15}
"""


def test_operator_adds_a_pack_without_code(tmp_path: Path):
    """A YAML file in an extra directory is a new pack; defaults fill missing params."""
    (tmp_path / "fr_example.yaml").write_text(_OPERATOR_PACK, encoding="utf-8")
    pack = load_pack("fr_example", [tmp_path])
    assert pack.rules[0].params["late_cancel_h"] == 24
    assert "fr_example" in available_packs([tmp_path])


def test_operator_directory_overrides_a_shipped_pack(tmp_path: Path):
    """An operator's uk_ofcom_auto.yaml wins over the shipped one (e.g. to add 2025 rates)."""
    text = _OPERATOR_PACK.replace("fr_example", "uk_ofcom_auto")
    (tmp_path / "uk_ofcom_auto.yaml").write_text(text, encoding="utf-8")
    assert load_pack("uk_ofcom_auto", [tmp_path]).country == "FR"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: per_event", "kind: per_fortnight"), "kind must be one of"),
        (("applies_to: appointment", "applies_to: ticket"), "applies to appointment"),
        (("amount: 15", "per_day: 15"), "lacks amount"),
        (("{from: 2025-01-01, amount: 15}", "{amount: 15}"), "from: YYYY-MM-DD"),
        (("timezone: Europe/Paris\n", ""), "missing timezone"),
    ],
)
def test_bad_pack_is_refused_with_its_reason(tmp_path: Path, change, message):
    """Each mistake an operator can make in a pack names itself."""
    (tmp_path / "fr_example.yaml").write_text(_OPERATOR_PACK.replace(*change), encoding="utf-8")
    with pytest.raises(PackError, match=message):
        load_pack("fr_example", [tmp_path])


def test_unknown_pack_lists_the_known_ones():
    with pytest.raises(PackError, match="be_outage_2024"):
        load_pack("nl_nothing")
