"""Walking the graph: record an objective's outcome, then begin whatever the walk is at (the next objective's
primitive, the summary of `end`, a transfer, or the promised call back).
"""

from __future__ import annotations

from typing import Any

from domain.objectives import Node, Outcome, advance
from domain.voice import phrasing
from domain.voice.capture import CapturePhase, CaptureState, start_capture
from domain.voice.choice import start_choice
from domain.voice.dialogue.closing import begin_summary, close
from domain.voice.dialogue.core import DialogueState, DialogueStep, capture_config, ended, join, objective_event, step
from domain.voice.kinds import OPS
from domain.voice.message import start_message


def record(state: DialogueState, outcome: Outcome) -> tuple[DialogueState, list[dict[str, Any]]]:
    """The state after one objective outcome, with its `objective.outcome` (and any `objective.skipped`) events."""
    walk = advance(state.graph, state.walk, outcome)
    events = [objective_event("objective.outcome", outcome.model_dump(mode="json"))]
    events += skip_events(walk.visits[len(state.walk.visits):])
    if outcome.kind == "corrected":
        return state.model_copy(update={"walk": walk}), events
    volunteered = {k: v for k, v in state.volunteered.items() if k != outcome.objective}
    return state.model_copy(update={"walk": walk, "capture": None, "choice": None, "message": None,
                                    "volunteered": volunteered}), events


def skip_events(visits: Any) -> list[dict[str, Any]]:
    """`objective.skipped` for each objective the walk passed over."""
    return [objective_event("objective.skipped", {"objective": v.objective}) for v in visits if v.result == "skipped"]


def enter(state: DialogueState, prefix: str, events: list[dict[str, Any]]) -> DialogueStep:
    """Begin what the walk is at: an objective's first question (or the read-back of what was said early)."""
    node = state.node
    if state.walk.terminal is not None or node is None:
        return _finish(state, prefix, events)
    started = [*events, objective_event("objective.started", {"objective": node.id, "type": node.type})]
    if node.type == "choice":
        volunteered = state.volunteered.get(node.id)
        phrase = state.volunteered_phrases.get(node.id, "")
        first = start_choice(node, (volunteered, phrase) if volunteered is not None else None)
        new = state.model_copy(update={"choice": first.state, "stage": "walking"})
        return step(new, join(prefix, first.say), [*started, *first.events])
    if node.type == "message":
        taking = start_message(node)
        return step(state.model_copy(update={"message": taking.state, "stage": "walking"}),
                    join(prefix, taking.say), started)
    return _begin_capture(state, node, prefix, started)


def _begin_capture(state: DialogueState, node: Node, prefix: str, events: list[dict[str, Any]]) -> DialogueStep:
    config = capture_config(node)
    early = state.volunteered.get(node.id)
    if early is None:
        first = start_capture(config)
        new = state.model_copy(update={"capture": first.state, "stage": "walking"})
        return step(new, join(prefix, first.say), events)
    kind = config.kind.value
    capture = CaptureState(kind=config.kind, phase=CapturePhase.CONFIRMING, candidate=early)
    new = state.model_copy(update={"capture": capture, "stage": "walking"})
    spoken = OPS[config.kind].readback(early, "")
    parsed = {"type": "capture.parsed", "objective": node.id, "kind": kind, "ok": True, "candidate": early,
              "early": True}
    readback = {"type": "capture.readback", "objective": node.id, "kind": kind, "candidate": early, "text": spoken}
    return step(new, join(prefix, phrasing.readback(kind, spoken)), [*events, parsed, readback])


def _finish(state: DialogueState, prefix: str, events: list[dict[str, Any]]) -> DialogueStep:
    """The walk finished: the summary and goodbye (`end`), a transfer, or a promised call back."""
    terminal = state.walk.terminal
    assert terminal is not None
    if terminal.reason in ("end", "transfer"):
        node = state.graph.node(terminal.objective)
        events = [*events, objective_event("objective.started", {"objective": node.id, "type": node.type})]
    if terminal.action == "end":
        return begin_summary(state, prefix, events)
    if terminal.action == "call_back":
        return close(state, join(prefix, phrasing.call_back_close(terminal.reason)), "call_back", events)
    moving = state.model_copy(update={"transfer": "walk", "capture": None, "choice": None, "message": None})
    requested = {"type": "dialogue.transfer_requested", "to": terminal.to, "reason": terminal.reason}
    say = phrasing.escalating() if terminal.reason == "escalation" else phrasing.putting_through()
    return step(moving, join(prefix, say), [*events, requested, ended(state, "transfer")],
                "transfer", transfer_to=terminal.to)
