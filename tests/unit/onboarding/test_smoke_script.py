"""The smoke caller's moves and the smoke verdict, on event streams as both Voice Cores record them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.objectives import compile_config, compile_document, covering_paths
from domain.onboarding.events import EventView, outcomes
from domain.onboarding.smoke import DECLINE, NO, SPOKEN, YES, option_phrase, reply, verdict

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "tenants"
PLUMBER = compile_config((EXAMPLES / "harbour-plumbing.yaml").read_text()).graph
PATHS = covering_paths(PLUMBER).paths
EMERGENCY = next(p for p in PATHS if p.business_open and p.terminal.reason == "transfer")
LEAD = next(p for p in PATHS if p.business_open and p.terminal.action == "end")
ESCALATE = next(p for p in PATHS if p.business_open and p.terminal.reason == "escalation")


def ev(event_type: str, **payload: Any) -> EventView:
    return (event_type, payload)


def started(version: int = 1, business_open: bool = True) -> EventView:
    return ev("call.started", config_version=version, business_open=business_open, smoke=True)


def outcome(objective: str, kind: str, value: str | None = None) -> EventView:
    return ev("objective.outcome", objective=objective, kind=kind, value=value)


def test_the_caller_answers_what_is_asked_the_way_its_path_needs() -> None:
    asked = [started(), ev("objective.started", objective="name", type="capture_name")]
    assert reply(PLUMBER, LEAD, asked).say == SPOKEN["name"]
    assert reply(PLUMBER, LEAD, [*asked, ev("capture.readback", kind="name")]).say == YES
    assert reply(PLUMBER, ESCALATE, [*asked, ev("capture.readback", kind="name")]).say == NO
    assert reply(PLUMBER, ESCALATE, [*asked, ev("capture.readback"), ev("capture.rejected")]).say == SPOKEN["name"]
    service = [*asked, outcome("name", "confirmed", "Mary Brown"), ev("objective.started", objective="service")]
    assert reply(PLUMBER, EMERGENCY, service).say == "burst pipe"
    assert reply(PLUMBER, LEAD, service).say == "something else"
    assert reply(PLUMBER, LEAD, [*service, ev("dialogue.summary")]).say == YES
    assert reply(PLUMBER, LEAD, [*service, ev("call.ended", reason="dialogue_complete")]).done
    assert reply(PLUMBER, LEAD, [started()]).say is None  # nothing asked yet: wait


def test_failing_a_choice_is_silence_and_declining_is_said() -> None:
    job = compile_config((EXAMPLES / "bright-spark-electrical.yaml").read_text()).graph
    failing = next(p for p in covering_paths(job).paths if p.terminal.reason == "escalation")
    assert reply(job, failing, [started(), ev("objective.started", objective="job")]).say is None
    declines = LEAD.model_copy(update={"outcomes": (*LEAD.outcomes[:3],
                                                    LEAD.outcomes[3].model_copy(update={"kind": "declined",
                                                                                        "value": None}))})
    assert reply(PLUMBER, declines, [started(), ev("objective.started", objective="email")]).say == DECLINE


def test_option_words_are_checked_against_the_keyword_match() -> None:
    service = PLUMBER.node("service")
    assert {o.name: option_phrase(service, o.name) for o in service.options} == {
        "emergency": "burst pipe", "quote": "quote", "other": "something else"}


def test_a_stream_that_walks_its_path_passes() -> None:
    events = [started(), outcome("name", "confirmed", "Mary Brown"), outcome("service", "chosen", "emergency"),
              ev("transfer.requested", to="+61290000002"), ev("transfer.completed", to="+61290000002"),
              ev("dialogue.ended", reason="transferred", terminal={"action": "transfer", "to": "+61290000002"}),
              ev("call.ended", reason="transferred")]
    checked = verdict(PLUMBER, EMERGENCY, 1, events)
    assert checked.problems == [] and checked.actual_terminal == "transfer to +61290000002"


@pytest.mark.parametrize(("change", "problem"), [
    (lambda e: [started(version=2), *e[1:]], "ran version 2"),
    (lambda e: [started(business_open=False), *e[1:]], "business_open=False"),
    (lambda e: [e[0], outcome("name", "confirmed", "Mary"), outcome("service", "chosen", "quote"), *e[3:]],
     "outcomes differ"),
    (lambda e: [*e[:4], ev("transfer.failed", to="+61290000002"), *e[5:]], "transfer to +61290000002 failed"),
    (lambda e: e[:-1], "did not end"),
    (lambda e: [e[0], *e[2:]], "do not walk the graph"),
])
def test_every_way_a_call_misses_its_path_is_a_problem(change: Any, problem: str) -> None:
    events = [started(), outcome("name", "confirmed", "Mary Brown"), outcome("service", "chosen", "emergency"),
              ev("transfer.requested", to="+61290000002"), ev("transfer.completed", to="+61290000002"),
              ev("call.ended", reason="transferred")]
    problems = verdict(PLUMBER, EMERGENCY, 1, change(events)).problems
    assert any(problem in p for p in problems), problems


def test_a_stream_from_a_voice_core_without_objective_events_is_read_from_its_captures() -> None:
    graph = compile_document({
        "business": {"name": "Acme", "timezone": "Australia/Sydney", "hours": {"mon": ["07:00-17:00"]}},
        "numbers": ["+61298765432"], "escalation": {"transfer_to": "+61298765000"},
        "objectives": [{"id": "name", "type": "capture_name"}, {"id": "phone", "type": "capture_phone"},
                       {"id": "done", "type": "end"}]}).graph
    events = [started(), ev("dialogue.objective_started", kind="name", index=0),
              ev("capture.confirmed", kind="name", value="Mary Brown"),
              ev("dialogue.objective_started", kind="phone", index=1), ev("capture.readback", kind="phone")]
    assert reply(graph, covering_paths(graph).paths[0], events).say == YES
    events += [ev("capture.confirmed", kind="phone", value="+61412345678"), ev("call.ended", reason="done")]
    assert [(o.objective, o.kind) for o in outcomes(graph, events)] == [("name", "confirmed"), ("phone", "confirmed")]
    assert verdict(graph, covering_paths(graph).paths[0], 1, events).problems == []
    skipped = [started(), ev("capture.failed", kind="name"), ev("capture.skipped", kind="name", reason="rejected")]
    assert [o.kind for o in outcomes(graph, skipped)] == ["failed"]
