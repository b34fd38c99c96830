"""Which integration events a call produced, computed from its events (the walk is re-folded, never trusted).

`call.ended` always; `lead.captured` when the walk finished with every required objective captured (the graph's
`required_captured`), with the captured values; `appointment.requested` when a date-and-time objective was
confirmed; `transfer.completed` / `transfer.failed` from the transfer's own events. Captured values are keyed by
objective id, each `{kind, value}` (domain.voice.recorded), as in the call's summary and the calls read model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.objectives import Event, ObjectiveGraph, WalkError, WalkState, fold, required_captured
from domain.voice.recorded import captured_from, captured_in, plain, recorded_outcomes

# The call events integrations read; everything else (audio, partials, turns) stays in the call's stream.
RELEVANT_TYPES = frozenset({"call.started", "objective.started", "objective.outcome", "capture.confirmed",
                            "transfer.completed", "transfer.failed", "dialogue.ended", "call.usage", "call.ended"})


class EventLike(Protocol):
    """A call event as signalled or stored: its type and payload."""

    @property
    def type(self) -> str:
        """The event type, e.g. `call.ended`."""
        ...

    @property
    def payload(self) -> dict[str, Any]:
        """The event's fields."""
        ...


_E = TypeVar("_E", bound=EventLike)


class Trigger(BaseModel):
    """One integration event of one call, with what a receiver is told about it."""

    model_config = ConfigDict(frozen=True)

    event: Event
    data: dict[str, Any] = Field(default_factory=dict)


class CallFacts(BaseModel):
    """What every delivery says about the call, whatever the event."""

    model_config = ConfigDict(frozen=True)

    call_sid: str
    tenant_id: str | None = None
    caller: str = ""
    called: str = ""
    config_version: int | None = None
    config_hash: str = ""
    business_open: bool = True
    config_pinned: bool = False  # call.started named its config version (None there: the built-in default graph)
    smoke: bool = False  # an onboarding smoke call (`call.started.smoke`): a rehearsal, not a tenant's caller


def relevant(events: Sequence[_E]) -> list[_E]:
    """The events integrations need, in order (what the call workflow hands to the planner)."""
    return [e for e in events if e.type in RELEVANT_TYPES]


def call_facts(call_sid: str, tenant_id: str | None, events: Sequence[EventLike]) -> CallFacts:
    """The call's identity and configuration from its `call.started` event."""
    started = next((e.payload for e in events if e.type == "call.started"), {})
    version = started.get("config_version")
    return CallFacts(call_sid=call_sid, tenant_id=tenant_id or started.get("tenant_id"),
                     caller=str(started.get("caller") or ""), called=str(started.get("called") or ""),
                     config_version=version if isinstance(version, int) else None,
                     config_hash=str(started.get("config_hash") or ""),
                     business_open=bool(started.get("business_open", True)),
                     config_pinned="config_version" in started, smoke=started.get("smoke") is True)


def walk_of(graph: ObjectiveGraph, events: Sequence[EventLike], business_open: bool) -> WalkState | None:
    """The walk rebuilt from the call's `objective.outcome` events; None if they do not fit the graph."""
    try:
        return fold(graph, recorded_outcomes(events), business_open=business_open)
    except (ValidationError, WalkError):
        return None


def call_triggers(events: Sequence[EventLike], graph: ObjectiveGraph | None,
                  facts: CallFacts | None = None) -> list[Trigger]:
    """Every integration event the call produced, in a fixed order; nothing until `call.ended` has arrived."""
    ended = next((e.payload for e in events if e.type == "call.ended"), None)
    if ended is None:
        return []
    business_open = facts.business_open if facts is not None else True
    state = walk_of(graph, events, business_open) if graph is not None else None
    captured = plain(captured_in(graph, state) if graph is not None and state is not None else captured_from(events))
    out = [Trigger(event="call.ended", data=_ended(events, ended, captured, state))]
    if graph is not None and state is not None and state.captured and required_captured(graph, state):
        out.append(Trigger(event="lead.captured", data={"captured": captured, "chosen": dict(state.chosen)}))
    appointment = _appointment(graph, state, events)
    if appointment is not None:
        out.append(Trigger(event="appointment.requested", data={**appointment, "captured": captured}))
    for kind in ("transfer.completed", "transfer.failed"):
        last = next((e.payload for e in reversed(events) if e.type == kind), None)
        if last is not None:
            out.append(Trigger(event=kind, data={k: last.get(k) for k in ("to", "kind", "error") if k in last}))
    return out


def _ended(events: Sequence[EventLike], ended: Mapping[str, Any], captured: dict[str, Any],
           state: WalkState | None) -> dict[str, Any]:
    dialogue = next((e.payload for e in reversed(events) if e.type == "dialogue.ended"), {})
    terminal = state.terminal.model_dump(mode="json") if state is not None and state.terminal else None
    return {"reason": ended.get("reason"), "duration_ms": ended.get("duration_ms"), "captured": captured,
            "terminal": terminal or dialogue.get("terminal"), "dialogue_reason": dialogue.get("reason")}


def _appointment(graph: ObjectiveGraph | None, state: WalkState | None,
                 events: Sequence[EventLike]) -> dict[str, str] | None:
    if graph is not None and state is not None:
        for node in graph.nodes:
            if node.capture == "date_time" and node.id in state.captured:
                return {"objective": node.id, "value": state.captured[node.id]}
        return None
    found = next(((objective, c.value) for objective, c in captured_from(events).items() if c.kind == "date_time"),
                 None)
    return {"objective": found[0], "value": found[1]} if found is not None else None
