"""Re-decide a recorded call and compare every decision with what the call recorded.

The dialogue's inputs are the call's `turn.ended`, `caller.silence` and `transfer.failed` events
(`domain.voice.dialogue.replay`); the recorded decisions after each input are compared, in order, with the
replayed step's events; then what the caller heard (each `agent.utterance.started` must be something the replay
said, in order) and what the call did (`transfer.requested`, a hangup by the dialogue). The first divergence in
the call's stream order is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.objectives import ObjectiveGraph
from domain.replay.actions import Acted, acted
from domain.replay.model import CallResult, Divergence, ReplayEvent, ReplayReport, is_decision, normalised
from domain.voice.dialogue import DialogueStep, call_event
from domain.voice.dialogue.replay import INPUT_EVENTS, dialogue_inputs, replay_call
from domain.voice.recorded import captured_from

Decided = tuple[str, dict[str, Any]]
CALLER_LEFT = frozenset({"caller_hangup", "disconnected"})
WHAT_IF_IGNORED = frozenset({"config_hash"})


def _shown(type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "payload": normalised(payload)}


def _segments(events: Sequence[ReplayEvent]) -> tuple[list[list[ReplayEvent]], list[int | None]]:
    """The recorded decisions after each input (0: the start), and each input's seq."""
    segments: list[list[ReplayEvent]] = [[]]
    inputs: list[int | None] = [None]
    for event in events:
        if event.type in INPUT_EVENTS:
            segments.append([])
            inputs.append(event.seq)
        elif is_decision(event.type):
            segments[-1].append(event)
    return segments, inputs


def _same(expected: ReplayEvent, actual: Decided, ignored: frozenset[str]) -> bool:
    if expected.type != actual[0]:
        return False
    mine, theirs = normalised(expected.payload), normalised(actual[1])
    return {k: v for k, v in mine.items() if k not in ignored} == {k: v for k, v in theirs.items() if k not in ignored}


def _decisions(events: Sequence[ReplayEvent], steps: Sequence[DialogueStep],
               ignored: frozenset[str] = frozenset()) -> Divergence | None:
    segments, inputs = _segments(events)
    for k, (recorded, step) in enumerate(zip(segments, steps, strict=True)):
        replayed = [call_event(e) for e in step.events]
        for j in range(max(len(recorded), len(replayed))):
            expected = recorded[j] if j < len(recorded) else None
            actual = replayed[j] if j < len(replayed) else None
            if expected is not None and actual is not None and _same(expected, actual, ignored):
                continue
            return Divergence(seq=expected.seq if expected else inputs[k],
                              event=expected.type if expected else actual[0] if actual else "",
                              check="decision", input=k,
                              expected=_shown(expected.type, expected.payload) if expected else None,
                              actual=_shown(*actual) if actual else None)
    return None


def _input_at(events: Sequence[ReplayEvent], seq: int) -> int:
    return sum(1 for e in events if e.type in INPUT_EVENTS and e.seq < seq)


def _utterances(events: Sequence[ReplayEvent], done: Acted) -> Divergence | None:
    """Every utterance the caller heard is one the replay said, in the same order."""
    said = iter(enumerate(done.says))
    for event in (e for e in events if e.type == "agent.utterance.started"):
        text = str(event.payload.get("text") or "")
        if any(s == text for _, s in said):
            continue
        return Divergence(seq=event.seq, event=event.type, check="utterance", input=_input_at(events, event.seq),
                          expected={"text": text}, actual=None)
    return None


def _left_first(events: Sequence[ReplayEvent], step: int) -> bool:
    """The caller hung up after the step that asked for a transfer, before the runtime reached it (a transfer
    waits until the audio before it has been heard): the last input, and the call ended from the caller's side.
    """
    ended = next((e for e in events if e.type == "call.ended"), None)
    inputs = sum(1 for e in events if e.type in INPUT_EVENTS)
    return step == inputs and ended is not None and ended.payload.get("reason") in CALLER_LEFT


def _actions(events: Sequence[ReplayEvent], done: Acted) -> Divergence | None:
    """The transfers asked for, in order, and whether the dialogue hung up."""
    recorded = [e for e in events if e.type == "transfer.requested"]
    for i in range(max(len(recorded), len(done.transfers))):
        expected = recorded[i] if i < len(recorded) else None
        actual = done.transfers[i] if i < len(done.transfers) else None
        if expected is not None and actual is not None and expected.payload.get("to") == actual[1]:
            continue
        if expected is None and actual is not None and _left_first(events, actual[0]):
            continue
        seq = expected.seq if expected else None
        return Divergence(seq=seq, event="transfer.requested", check="action",
                          input=_input_at(events, seq) if seq is not None else actual[0] if actual else 0,
                          expected={"to": expected.payload.get("to")} if expected else None,
                          actual={"to": actual[1]} if actual else None)
    ended = next((e for e in events if e.type == "call.ended"), None)
    if ended is not None and ended.payload.get("reason") == "dialogue_complete" and done.hangup_at is None:
        return Divergence(seq=ended.seq, event="call.ended", check="action", input=_input_at(events, ended.seq),
                          expected={"reason": "dialogue_complete"}, actual=None)
    return None


@dataclass(frozen=True)
class _Decision:
    type: str
    payload: dict[str, Any]


def call_result(decided: Sequence[Decided], says: list[str], transfers: list[str], hung_up: bool) -> CallResult:
    """A call's result from its decisions (the last `dialogue.ended` is final) and its actions.

    Captured values are by objective id: the final `dialogue.ended`'s, or, for a call that ended before the
    dialogue did (the caller hung up), what its objective outcomes confirmed (`domain.voice.recorded`).
    """
    ended = [p for t, p in decided if t == "dialogue.ended"]
    final = ended[-1] if ended else {}
    captured = dict(final.get("captured") or {}) if ended else {
        objective: c.value for objective, c in captured_from([_Decision(t, p) for t, p in decided]).items()}
    return CallResult(says=says, outcomes=[normalised(p) for t, p in decided if t == "objective.outcome"],
                      terminal=final.get("terminal"), captured=captured, transfers=transfers, hung_up=hung_up)


def recorded_result(events: Sequence[ReplayEvent]) -> CallResult:
    """What the recorded call did."""
    ended = next((e for e in events if e.type == "call.ended"), None)
    return call_result([(e.type, e.payload) for e in events if is_decision(e.type)],
                   [str(e.payload.get("text") or "") for e in events if e.type == "agent.utterance.started"],
                   [str(e.payload.get("to")) for e in events if e.type == "transfer.requested"],
                   ended is not None and ended.payload.get("reason") == "dialogue_complete")


def replay_events(graph: ObjectiveGraph, events: Sequence[ReplayEvent], *, config_version: int | None,
                  recorded_version: int | None = None, call_sid: str = "") -> ReplayReport:
    """Re-decide the call on `graph` from its recorded inputs; `identical` or the first divergence."""
    ordered = sorted(events, key=lambda e: e.seq)
    steps = replay_call(graph, ordered)
    done = acted(steps, dialogue_inputs(ordered))
    started = next((e.payload for e in ordered if e.type == "call.started"), {})
    # On another version the graph's identity differs by definition; what-if reports where the behaviour does.
    ignored = WHAT_IF_IGNORED if graph.config_hash != started.get("config_hash") else frozenset()
    found = [d for d in (_decisions(ordered, steps, ignored), _utterances(ordered, done), _actions(ordered, done))
             if d]
    first = min(found, key=lambda d: (d.seq is None, d.seq or 0)) if found else None
    replayed = [call_event(e) for s in steps for e in s.events]
    return ReplayReport(
        call_sid=call_sid or str(started.get("call_sid") or ""), verdict="identical" if first is None else "diverged",
        config_version=config_version, config_hash=graph.config_hash, recorded_config_version=recorded_version,
        recorded_config_hash=str(started.get("config_hash") or ""), inputs=len(steps) - 1,
        decisions=sum(1 for e in ordered if is_decision(e.type)), divergence=first,
        recorded=recorded_result(ordered),
        replayed=call_result(replayed, done.says, [to for _, to in done.transfers], done.hangup_at is not None))
