"""Settings changes derive a new document from the active one; the unchanged rest keeps its meaning."""

from __future__ import annotations

import pytest

from domain.objectives import ConfigInvalid, compile_document, derive_document, parse_settings_change
from tests.unit.objectives.documents import plumber

ACTIVE = compile_document(plumber())


def test_new_hours_and_holidays_make_a_new_version() -> None:
    change = parse_settings_change({"hours": {"mon": ["08:00-16:00"]}, "holidays": ["2027-01-26"]})
    derived = compile_document(derive_document(ACTIVE.config, change))
    assert derived.hash != ACTIVE.hash
    assert derived.config.business.hours.mon == ["08:00-16:00"] and derived.config.business.hours.tue is None
    assert derived.config.business.holidays == ["2027-01-26"]
    assert derived.config.objectives == ACTIVE.config.objectives


def test_the_same_values_give_the_same_hash() -> None:
    change = parse_settings_change({"transfer_to": "+61290000002", "emails": ["office@harbour.example"]})
    assert compile_document(derive_document(ACTIVE.config, change)).hash == ACTIVE.hash


def test_optional_objectives_can_be_switched_off() -> None:
    derived = compile_document(derive_document(ACTIVE.config, parse_settings_change({"optional_objectives": "off"})))
    assert derived.graph.optional_objectives == "off" and derived.hash != ACTIVE.hash


def test_removing_the_escalation_number_is_refused_while_a_transfer_needs_it() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_document(derive_document(ACTIVE.config, parse_settings_change({"transfer_to": None})))
    assert [(e.path, e.code) for e in caught.value.errors] == [("$.objectives[6].to", "transfer_no_number")]


def test_a_change_outside_the_settings_is_refused_with_paths() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        parse_settings_change({"objectives": [], "hours": {"mon": ["9-5"]}})
    assert {(e.path, e.code) for e in caught.value.errors} == {("$.objectives", "unknown_key"),
                                                               ("$.hours.mon[0]", "hours_malformed")}
