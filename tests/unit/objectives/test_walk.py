"""Walking the plumber's graph: every branch the issue describes, escalation, and replay as a fold."""

from __future__ import annotations

from typing import Any

import pytest

from domain.objectives import (
    ObjectiveGraph,
    Outcome,
    Terminal,
    WalkError,
    advance,
    compile_document,
    default_graph,
    fold,
    required_captured,
    start,
)
from tests.unit.objectives.documents import mutated, plumber


def graph_of(document: dict[str, Any] | None = None) -> ObjectiveGraph:
    return compile_document(document or plumber()).graph


def confirmed(objective: str, value: str) -> Outcome:
    return Outcome(objective=objective, kind="confirmed", value=value)


def chosen(objective: str, option: str) -> Outcome:
    return Outcome(objective=objective, kind="chosen", value=option)


def failed(objective: str) -> Outcome:
    return Outcome(objective=objective, kind="failed")


def declined(objective: str) -> Outcome:
    return Outcome(objective=objective, kind="declined")


LEAD = [confirmed("name", "Sam Lee"), chosen("service", "quote"), confirmed("phone", "+61412345678"),
        confirmed("email", "sam@example.com"), confirmed("visit", "2026-11-26T09:00")]


def test_a_quote_during_hours_asks_everything_and_ends() -> None:
    state = fold(graph_of(), LEAD, business_open=True)
    assert state.terminal == Terminal(action="end", reason="end", objective="wrap_up")
    assert state.captured == {"name": "Sam Lee", "phone": "+61412345678", "email": "sam@example.com",
                              "visit": "2026-11-26T09:00"}
    assert state.chosen == {"service": "quote"}
    assert required_captured(graph_of(), state)


def test_an_emergency_goes_straight_to_the_transfer() -> None:
    state = fold(graph_of(), [confirmed("name", "Sam"), chosen("service", "emergency")], business_open=False)
    assert state.terminal == Terminal(action="transfer", to="+61290000002", reason="transfer", objective="transfer")
    assert state.at is None


def test_after_hours_the_visit_is_skipped() -> None:
    state = fold(graph_of(), LEAD[:4], business_open=False)
    assert state.terminal is not None and state.terminal.action == "end"
    assert [(v.objective, v.result) for v in state.visits][-1] == ("visit", "skipped")


def test_during_hours_the_visit_is_asked() -> None:
    assert fold(graph_of(), LEAD[:4], business_open=True).at == "visit"


def test_a_declined_optional_email_goes_on() -> None:
    state = fold(graph_of(), [*LEAD[:3], declined("email")], business_open=True)
    assert state.at == "visit" and "email" not in state.captured


def test_a_failed_optional_email_goes_on() -> None:
    assert fold(graph_of(), [*LEAD[:3], failed("email")], business_open=True).at == "visit"


def test_optional_objectives_off_skips_the_email() -> None:
    graph = graph_of(mutated(lambda d: d.update(optional_objectives="off")))
    state = fold(graph, LEAD[:3], business_open=True)
    assert state.at == "visit" and ("email", "skipped") in [(v.objective, v.result) for v in state.visits]


def test_a_failed_required_capture_transfers_during_hours() -> None:
    state = fold(graph_of(), [*LEAD[:2], failed("phone")], business_open=True)
    assert state.terminal == Terminal(action="transfer", to="+61290000002", reason="escalation", objective="phone")
    assert not required_captured(graph_of(), state)


def test_a_declined_required_capture_escalates_too() -> None:
    state = fold(graph_of(), [declined("name")], business_open=True)
    assert state.terminal is not None and state.terminal.reason == "escalation"


def test_a_failed_required_capture_after_hours_promises_a_call_back() -> None:
    state = fold(graph_of(), [*LEAD[:2], failed("phone")], business_open=False)
    assert state.terminal == Terminal(action="call_back", reason="closed", objective="phone")


def test_after_hours_escalation_can_go_to_an_on_call_number() -> None:
    graph = graph_of(mutated(lambda d: d["escalation"].update(after_hours="transfer")))
    state = fold(graph, [failed("name")], business_open=False)
    assert state.terminal == Terminal(action="transfer", to="+61290000002", reason="escalation", objective="name")


def test_without_an_escalation_number_a_failure_promises_a_call_back() -> None:
    def no_number(d: dict[str, Any]) -> None:
        d.pop("escalation")
        d["objectives"][6]["to"] = "+61290000099"

    state = fold(graph_of(mutated(no_number)), [failed("name")], business_open=True)
    assert state.terminal == Terminal(action="call_back", reason="no_transfer_number", objective="name")


def test_a_transfer_that_fails_becomes_a_call_back() -> None:
    graph = graph_of()
    state = fold(graph, [confirmed("name", "Sam"), chosen("service", "emergency"),
                         Outcome(objective="transfer", kind="transfer_failed")], business_open=True)
    assert state.terminal == Terminal(action="call_back", reason="transfer_failed", objective="transfer")


def test_a_business_condition_routes_on_the_state_at_the_call_start() -> None:
    document = mutated(lambda d: d["objectives"][1].update(next=[
        {"when": {"service": "emergency", "business": "closed"}, "goto": "transfer"}, {"goto": "phone"}]))
    emergency = [confirmed("name", "Sam"), chosen("service", "emergency")]
    assert fold(graph_of(document), emergency, business_open=False).terminal.action == "transfer"  # type: ignore[union-attr]
    assert fold(graph_of(document), emergency, business_open=True).at == "phone"


def test_fold_is_the_same_as_advancing_one_outcome_at_a_time() -> None:
    graph = graph_of()
    state = start(graph, business_open=True)
    for outcome in LEAD:
        state = advance(graph, state, outcome)
    assert state == fold(graph, LEAD, business_open=True)


@pytest.mark.parametrize("outcome", [
    confirmed("phone", "+61412345678"),  # not where the walk is
    chosen("name", "quote"),  # a choice outcome at a capture
    confirmed("name", ""),  # confirmed with no value
    Outcome(objective="name", kind="transfer_failed"),  # no transfer under way
])
def test_an_outcome_that_does_not_fit_is_refused(outcome: Outcome) -> None:
    with pytest.raises(WalkError):
        advance(graph_of(), start(graph_of(), business_open=True), outcome)


def test_an_option_the_choice_does_not_have_is_refused() -> None:
    graph = graph_of()
    with pytest.raises(WalkError):
        fold(graph, [confirmed("name", "Sam"), chosen("service", "plumbing")], business_open=True)


def test_nothing_is_accepted_after_the_end() -> None:
    graph = graph_of()
    with pytest.raises(WalkError) as caught:
        fold(graph, [*LEAD, confirmed("visit", "again")], business_open=True)
    assert caught.value.code == "objective_walk_finished"


def test_the_default_graph_asks_name_then_phone_then_ends() -> None:
    graph = default_graph()
    assert [n.id for n in graph.nodes] == ["name", "phone", "wrap_up"] and graph.business is None
    state = fold(graph, [confirmed("name", "Sam"), confirmed("phone", "+61412345678")], business_open=True)
    assert state.terminal is not None and state.terminal.action == "end"


def test_the_default_graph_escalates_to_the_bound_number_at_any_hour() -> None:
    graph = default_graph("+61290000002")
    state = fold(graph, [failed("name")], business_open=False)
    assert state.terminal == Terminal(action="transfer", to="+61290000002", reason="escalation", objective="name")
    assert fold(default_graph(), [failed("name")], business_open=True).terminal.reason == "no_transfer_number"  # type: ignore[union-attr]


def test_the_default_graph_hash_is_stable() -> None:
    assert default_graph().config_hash == default_graph().config_hash
    assert default_graph().config_hash != default_graph("+61290000002").config_hash
    assert default_graph("+61290000002").config_hash == default_graph("+61290000002").config_hash


def test_a_condition_may_name_several_options() -> None:
    document = mutated(lambda d: d["objectives"][1].update(next=[
        {"when": {"service": ["emergency", "quote"]}, "goto": "transfer"}, {"goto": "phone"}]))
    graph = graph_of(document)
    assert fold(graph, [confirmed("name", "Sam"), chosen("service", "quote")],
                business_open=True).terminal.objective == "transfer"  # type: ignore[union-attr]
    assert fold(graph, [confirmed("name", "Sam"), chosen("service", "other")], business_open=True).at == "phone"


def test_a_correction_changes_a_confirmed_value_and_moves_nothing() -> None:
    graph = graph_of()
    walked = fold(graph, [confirmed("name", "Sam"), chosen("service", "quote"), confirmed("phone", "+61412345678")],
                  business_open=True)
    fixed = advance(graph, walked, Outcome(objective="phone", kind="corrected", value="+61412345679"))
    assert fixed.captured["phone"] == "+61412345679"
    assert (fixed.at, fixed.visits, fixed.terminal) == (walked.at, walked.visits, walked.terminal)
    ended = fold(graph, [*LEAD, Outcome(objective="name", kind="corrected", value="Sam Smyth")], business_open=True)
    assert ended.captured["name"] == "Sam Smyth" and ended.terminal is not None  # after the end too


@pytest.mark.parametrize("outcome", [
    Outcome(objective="phone", kind="corrected", value="+61412345679"),  # never confirmed
    Outcome(objective="name", kind="corrected"),  # no new value
])
def test_a_correction_of_nothing_is_refused(outcome: Outcome) -> None:
    graph = graph_of()
    with pytest.raises(WalkError):
        advance(graph, fold(graph, [confirmed("name", "Sam")], business_open=True), outcome)
