"""What a call's events record about its objectives, read back the same way by every reader.

A stored call event's payload carries, beside the event contract's fields, what the voice worker's lane adds when
it stores it (`call_seq`). `recorded_outcome` is the one place that turns an `objective.outcome` payload, stored or
signalled, into an `Outcome` (which refuses unknown fields): it drops what the store added and nothing else.

Captured values are keyed by objective id (two phone objectives are two values) and carry their kind, from the
graph when the reader has it (`captured_in`) or from the call's own `objective.started` events (`captured_from`).
A stream recorded before the Voice Core walked graphs has only `capture.confirmed` events; their kind is the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from domain.objectives import ObjectiveGraph, Outcome, WalkState
from domain.objectives.graph import CAPTURE_KINDS
from domain.voice.messages import CALL_SEQ, Captured

STORE_ADDED = frozenset({CALL_SEQ})
VALUE_KINDS = ("confirmed", "corrected")  # the outcomes that set an objective's value


class EventLike(Protocol):
    """A call event as signalled or stored: its type and payload."""

    @property
    def type(self) -> str:
        """The event type, e.g. `objective.outcome`."""
        ...

    @property
    def payload(self) -> dict[str, Any]:
        """The event's fields."""
        ...


def contract_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload without what the event store added to it."""
    return {k: v for k, v in payload.items() if k not in STORE_ADDED}


def recorded_outcome(payload: Mapping[str, Any]) -> Outcome:
    """The outcome an `objective.outcome` event records (ValidationError if it is not one)."""
    return Outcome.model_validate(contract_fields(payload))


def recorded_outcomes(events: Iterable[EventLike]) -> list[Outcome]:
    """Every objective outcome among the call's events, in order."""
    return [recorded_outcome(e.payload) for e in events if e.type == "objective.outcome"]


def captured_in(graph: ObjectiveGraph, state: WalkState) -> dict[str, Captured]:
    """The walk's captured values by objective id, each with its objective's kind."""
    kinds = {node.id: node.capture for node in graph.nodes}
    return {objective: Captured(kind=kinds.get(objective), value=value) for objective, value in state.captured.items()}


def captured_from(events: Sequence[EventLike]) -> dict[str, Captured]:
    """The call's captured values by objective id, from its events alone (no graph): the kind from the objective's
    `objective.started` type, the value from its last confirmed or corrected outcome.
    """
    kinds: dict[str, str | None] = {}
    captured: dict[str, Captured] = {}
    walked = False
    for event in events:
        p = event.payload
        if event.type == "objective.started" and p.get("objective") is not None:
            walked = True
            kinds[str(p["objective"])] = CAPTURE_KINDS.get(str(p.get("type")))
        elif event.type == "objective.outcome" and p.get("kind") in VALUE_KINDS and p.get("value") is not None:
            walked = True
            objective = str(p.get("objective"))
            captured[objective] = Captured(kind=kinds.get(objective), value=str(p["value"]))
    if walked:
        return captured
    return {str(e.payload.get("kind")): Captured(kind=str(e.payload.get("kind")), value=str(e.payload["value"]))
            for e in events if e.type == "capture.confirmed" and e.payload.get("value") is not None}


def plain(captured: Mapping[str, Captured]) -> dict[str, dict[str, Any]]:
    """Captured values as JSON (what payloads and the read model carry): {objective: {kind, value}}."""
    return {objective: c.model_dump(mode="json") for objective, c in captured.items()}
