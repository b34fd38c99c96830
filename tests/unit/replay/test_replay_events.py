"""Replaying a recorded call: identical when nothing changed; otherwise the first divergence, with the recorded
event, what it recorded and what the replay decided; a what-if on another graph says where the behaviour changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.errors import Conflict, NotFound
from domain.objectives import compile_config, default_graph
from domain.replay import ReplayEvent, default_candidates, graph_for, pinned, replay_events
from tests.helpers.replay_calls import Keys, RecordedCall, Says, Silent, TransferFails

EXAMPLES = Path(__file__).parents[3] / "examples/tenants"
PLUMBER = compile_config((EXAMPLES / "harbour-plumbing.yaml").read_text()).graph
START = datetime(2026, 11, 25, 12, 58, tzinfo=UTC)  # 11:58 pm in Sydney: a call that crosses midnight


def seven_seconds() -> timedelta:
    return timedelta(seconds=7)


async def quote_call() -> RecordedCall:
    call = RecordedCall(PLUMBER, business_open=True, start=START, wall_step=seven_seconds)
    await call.play([Says("Hi, my name is Sam Taylor"), Says("yes"), Says("I need a quote"), Says("yes"),
                     Keys("0412345678"), Says("yes"), Says("no thanks"), Says("tomorrow at 9 am"), Silent(),
                     Says("yes"), Says("yes")])
    return call


async def test_a_recorded_call_replays_identical() -> None:
    call = await quote_call()
    report = replay_events(PLUMBER, call.events, config_version=3, recorded_version=3)
    assert report.verdict == "identical" and report.divergence is None, report.divergence
    assert report.inputs == 11 and report.decisions > 20
    assert report.replayed.says == call.said and report.recorded.says == call.said
    assert report.replayed == report.recorded
    assert report.replayed.hung_up and report.replayed.terminal == {"action": "end", "objective": "wrap_up",
                                                                     "reason": "end", "to": None}


async def test_an_altered_decision_is_the_first_divergence() -> None:
    call = await quote_call()
    events = list(call.events)
    i = next(i for i, e in enumerate(events) if e.type == "capture.confirmed" and e.payload["kind"] == "phone")
    events[i] = events[i].model_copy(update={"payload": {**events[i].payload, "value": "+61412345670"}})
    report = replay_events(PLUMBER, events, config_version=None)
    assert report.verdict == "diverged" and report.divergence is not None
    d = report.divergence
    assert (d.seq, d.event, d.check) == (events[i].seq, "capture.confirmed", "decision")
    assert d.expected is not None and d.actual is not None
    assert d.expected["payload"]["value"] == "+61412345670" and d.actual["payload"]["value"] == "+61412345678"


async def test_an_utterance_the_replay_never_says_diverges() -> None:
    call = await quote_call()
    events = list(call.events)
    i = [i for i, e in enumerate(events) if e.type == "agent.utterance.started"][2]
    events[i] = events[i].model_copy(update={"payload": {**events[i].payload, "text": "Something else."}})
    d = replay_events(PLUMBER, events, config_version=None).divergence
    assert d is not None and (d.seq, d.check, d.expected) == (events[i].seq, "utterance", {"text": "Something else."})


async def test_a_dropped_transfer_request_diverges_on_the_action() -> None:
    call = RecordedCall(PLUMBER, business_open=False, start=START, wall_step=seven_seconds)
    await call.play([Says("this is Jo Bloggs, there's a burst pipe in the kitchen"), Says("yes"), Says("yes"),
                     TransferFails()])
    report = replay_events(PLUMBER, call.events, config_version=None)
    assert report.identical, report.divergence
    assert report.recorded.transfers == ["+61290000002"] and report.replayed.terminal is not None
    without = [e for e in call.events if e.type != "transfer.requested"]
    d = replay_events(PLUMBER, without, config_version=None).divergence
    assert d is not None and (d.check, d.seq, d.expected, d.actual) == (
        "action", None, None, {"to": "+61290000002"})


async def test_another_version_shows_where_the_behaviour_changes() -> None:
    call = await quote_call()
    other = compile_config((EXAMPLES / "harbour-plumbing.yaml").read_text().replace(
        "Harbour Plumbing", "Harbour Plumbing and Gas")).graph
    report = replay_events(other, call.events, config_version=4, recorded_version=3)
    d = report.divergence
    assert report.verdict == "diverged" and d is not None and (d.event, d.input) == ("dialogue.started", 0)
    assert d.expected is not None and d.actual is not None
    assert d.actual["payload"]["business_name"] == "Harbour Plumbing and Gas"
    assert report.replayed.outcomes == report.recorded.outcomes  # the greeting changed, the outcomes did not


def test_the_default_graph_is_found_by_its_hash_among_the_escalation_numbers() -> None:
    started = ReplayEvent(seq=1, type="call.started", occurred_at=START,
                          payload={"call_sid": "CA1", "config_version": None, "called": "+61290000001",
                                   "config_hash": default_graph("+61298765000").config_hash})
    pin = pinned([started])
    assert pin.config_version is None
    found = graph_for(pin.config_hash, default_candidates([started], "+61298765000"))
    assert found.escalation.transfer_to == "+61298765000"
    with pytest.raises(Conflict):
        graph_for(pin.config_hash, default_candidates([started], None))
    with pytest.raises(NotFound):
        pinned([])


async def test_a_call_the_caller_left_keeps_what_its_objectives_confirmed() -> None:
    call = RecordedCall(PLUMBER, business_open=True, start=START, wall_step=seven_seconds)
    await call.play([Says("Hi, my name is Sam Taylor"), Says("yes"), Says("I need a quote")])
    events = call.events
    assert not [e for e in events if e.type == "dialogue.ended"]
    last = events[-1]
    left = [*events, ReplayEvent(seq=last.seq + 1, type="call.ended", payload={"reason": "caller_hangup"},
                                 occurred_at=last.occurred_at)]
    report = replay_events(PLUMBER, left, config_version=None)
    assert report.identical, report.divergence
    assert report.recorded.captured == report.replayed.captured == {"name": "Sam Taylor"}  # by objective id
