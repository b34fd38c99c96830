"""A call's events as the smoke stage reads them, and the objective outcomes they record.

The Voice Core that walks graphs records `objective.started` and `objective.outcome` (the event contract:
`Outcome.model_dump()`, so `fold` rebuilds the walk). A stream recorded by a Voice Core that predates graph
walking has only its capture events; those are read as outcomes of the graph's capture objectives in order, so
its calls can be checked (and replayed) too: only a graph of captures can match them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.objectives import ObjectiveGraph, Outcome
from domain.objectives.walk import OutcomeKind
from domain.voice.recorded import contract_fields, recorded_outcome

EventView = tuple[str, Mapping[str, Any]]  # (type, payload)
OBJECTIVE_EVENTS = ("objective.started", "objective.outcome", "objective.skipped")
_LEGACY_OUTCOMES: dict[str, OutcomeKind] = {"capture.confirmed": "confirmed", "capture.escalated": "failed",
                                             "capture.skipped": "failed"}


def walks_graphs(events: Sequence[EventView]) -> bool:
    """Whether the stream was recorded by a Voice Core that walks the graph (it records objective events)."""
    return any(kind in OBJECTIVE_EVENTS for kind, _ in events)


def outcomes(graph: ObjectiveGraph, events: Sequence[EventView]) -> list[Outcome]:
    """The objective outcomes the call recorded, in order."""
    if walks_graphs(events):
        return [recorded_outcome(p) for kind, p in events if kind == "objective.outcome"]
    return _legacy_outcomes(graph, events)


def _legacy_outcomes(graph: ObjectiveGraph, events: Sequence[EventView]) -> list[Outcome]:
    used: set[str] = set()
    found: list[Outcome] = []
    for kind, payload in events:
        result = _LEGACY_OUTCOMES.get(kind)
        if result is None:
            continue
        if kind == "capture.skipped" and payload.get("reason") == "declined":
            result = "declined"
        node = next((n for n in graph.nodes if n.capture == payload.get("kind") and n.id not in used), None)
        if node is None:
            found.append(Outcome(objective=f"<{payload.get('kind')}>", kind=result))
            continue
        used.add(node.id)
        value = payload.get("value") if result == "confirmed" else None
        found.append(Outcome(objective=node.id, kind=result, value=value))
    return found


def asked_objective(graph: ObjectiveGraph, events: Sequence[EventView]) -> str | None:
    """The objective the Voice Core is pursuing now (the last one it started)."""
    if walks_graphs(events):
        started = [p.get("objective") for kind, p in events if kind == "objective.started"]
        return str(started[-1]) if started else None
    used: list[str] = []
    for kind, payload in events:
        if kind == "dialogue.objective_started":
            node = next((n for n in graph.nodes if n.capture == payload.get("kind") and n.id not in used), None)
            if node is not None:
                used.append(node.id)
    return used[-1] if used else None


def transcript(events: Sequence[EventView], limit: int = 80) -> list[str]:
    """What was said and decided, one line each (for a failed smoke call's detail)."""
    lines: list[str] = []
    for kind, p in events:
        if kind == "agent.utterance.started":
            lines.append(f"agent: {p.get('text', '')}")
        elif kind == "turn.ended":
            lines.append(f"caller: {p.get('text', '')}")
        elif kind == "objective.outcome":
            lines.append(f"outcome: {p.get('objective')} {p.get('kind')} {p.get('value') or ''}".rstrip())
        elif kind in ("transfer.requested", "transfer.failed", "dialogue.ended", "call.ended"):
            lines.append(f"{kind}: " + ", ".join(f"{k}={v}" for k, v in contract_fields(p).items()))
    return lines[:limit]
