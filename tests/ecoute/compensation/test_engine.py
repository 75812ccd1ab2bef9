"""The engine's contract: pure, traced, exclusions first, no clock."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ecoute.compensation import load_pack
from ecoute.compensation.engine import compute, exclusion_reason

from ._helpers import appointment, bxl, owed, ticket


def test_each_owed_names_its_customer_incident_rule_and_currency():
    [result] = owed("be_outage_2024", ticket(bxl("2026-03-02 09:00"), bxl("2026-03-03 10:00")))
    assert (result.customer_id, result.incident_id, result.incident_kind) == ("C1", "T1", "ticket")
    assert (result.rule, result.pack, result.currency) == ("total_outage", "be_outage_2024", "EUR")
    assert result.amount == Decimal("2.00")
    assert result.trace.startswith("be_outage_2024/total_outage for ticket T1:")
    json.dumps(result.trace_data)  # structured trace is plain JSON


def test_rules_only_see_their_kind_of_incident():
    """The outage pack has no appointment rule: a no-show owes nothing under it."""
    no_show = appointment(bxl("2026-03-02 08:00"), bxl("2026-03-02 12:00"), "no_show")
    assert owed("be_outage_2024", no_show, include_nil=True) == []


@pytest.mark.parametrize(
    ("root_cause", "excluded"),
    [("customer_equipment", True), ("FORCE MAJEURE", True), ("fibre cut", False), (None, False)],
)
def test_root_cause_exclusions(root_cause, excluded):
    t = ticket(bxl("2026-03-02 09:00"), None, root_cause=root_cause)
    assert (exclusion_reason(t, load_pack("be_outage_2024")) is not None) is excluded


def test_input_is_untouched_and_result_repeatable():
    """Same input, same output; the incident is not modified (frozen dataclasses)."""
    incident = ticket(bxl("2026-03-02 09:00"), bxl("2026-03-05 09:00"))
    pack = load_pack("be_outage_2024")
    assert compute([incident], pack) == compute([incident], pack)


def test_naive_as_of_is_refused():
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        compute([ticket(bxl("2026-03-02 09:00"), None)], load_pack("be_outage_2024"),
                as_of=datetime(2026, 3, 4))


def test_ticket_reported_after_the_cut_off_is_ignored():
    late = ticket(bxl("2026-03-05 09:00"), None)
    assert owed("be_outage_2024", late, as_of=bxl("2026-03-04 00:00")) == []
