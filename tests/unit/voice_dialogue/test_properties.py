"""Properties: on every graph the compiler accepts, any sequence of caller turns (and silences and failed transfers)
ends the dialogue within a bound set by the graph's size, never raises, and records outcomes that fold.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.objectives import ObjectiveGraph, Outcome, compile_document, fold
from domain.voice.capture import CallerTurn
from domain.voice.dialogue import (
    DialogueStep,
    call_event,
    on_caller_turn,
    on_silence,
    on_transfer_failed,
    start_dialogue,
)
from domain.voice.dialogue.core import MAX_FIXES
from tests.helpers.voice_capture import NOW
from tests.unit.objectives.generated import documents

LINES = [
    "yes", "no", "yeah nah", "no, that's wrong", "that's right", "um", "", "sorry, what was that?", "hang on",
    "my name is Sam Taylor", "Sam Taylor, 0412 345 678", "0412 345 678", "no, the last digit is nine",
    "actually my number is 0412 345 679", "sam at example dot com", "12 Harbour Street, Sydney NSW 2000",
    "tomorrow at 9 am", "no, make it 3 pm", "it's Smyth with a y", "I'd rather not say", "no thanks",
    "I need a quote please", "emergency please", "I'm after a repair", "booking please", "sales", "other",
    "something else entirely", "can I speak to a real person", "banana", "the number", "the name",
    "please call me back about the leaking tap", "no, that's all",
]  # fmt: skip
INPUTS = st.one_of(
    st.tuples(st.just("turn"), st.sampled_from(LINES), st.sampled_from(["", "", "1", "2", "0412345678#"])),
    st.tuples(st.just("turn"), st.text(max_size=40), st.just("")),
    st.tuples(st.just("silence"), st.just(""), st.just("")),
    st.tuples(st.just("transfer_failed"), st.just(""), st.just("")),
)
PER_OBJECTIVE = 24  # a capture's attempts, reprompts and read-backs, with room to spare


def bound(graph: ObjectiveGraph) -> int:
    """The most caller turns a call on this graph can take: each objective, each correction, the summary."""
    return PER_OBJECTIVE * (len(graph.nodes) + MAX_FIXES + 2) + len(graph.nodes)


def apply(step: DialogueStep, kind: str, text: str, dtmf: str) -> DialogueStep:
    if kind == "turn":
        return on_caller_turn(step.state, CallerTurn(text=text, dtmf=dtmf), now=NOW)
    if kind == "silence":
        return on_silence(step.state, max_reprompts=2)
    return on_transfer_failed(step.state)


def outcomes(steps: list[DialogueStep]) -> list[Outcome]:
    return [Outcome.model_validate(p) for s in steps for t, p in map(call_event, s.events) if t == "objective.outcome"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=documents(), business_open=st.booleans(), data=st.data())
def test_any_caller_ends_any_accepted_graph_in_bounded_turns(document: dict[str, Any], business_open: bool,
                                                            data: st.DataObject) -> None:
    graph = compile_document(document).graph
    steps = [start_dialogue(graph, business_open=business_open)]
    turns = 0
    while steps[-1].action != "speak_and_hangup":
        if steps[-1].action == "transfer" and data.draw(st.booleans(), label="transfer connects"):
            break
        kind, text, dtmf = data.draw(INPUTS) if steps[-1].action == "speak" else ("transfer_failed", "", "")
        steps.append(apply(steps[-1], kind, text, dtmf))
        turns += kind == "turn"
        assert turns <= bound(graph), "the dialogue did not end"
    event(f"ended by {steps[-1].action}")
    walk = fold(graph, outcomes(steps), business_open=business_open)
    assert walk == steps[-1].state.walk  # the recorded outcomes rebuild the walk


def _stubborn(graph: ObjectiveGraph, line: str, business_open: bool) -> int:
    step, turns = start_dialogue(graph, business_open=business_open), 0
    while step.action == "speak":
        step = on_caller_turn(step.state, CallerTurn(text=line), now=NOW)
        turns += 1
        assert turns <= bound(graph), (line, step.say)
    return turns


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents(), line=st.sampled_from(LINES), business_open=st.booleans())
def test_a_caller_who_says_the_same_thing_forever_is_still_finished_with(document: dict[str, Any], line: str,
                                                                        business_open: bool) -> None:
    _stubborn(compile_document(document).graph, line, business_open)
