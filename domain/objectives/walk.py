"""Walking a compiled graph: the state of a call is a fold over the outcomes of its objectives.

`start` enters the graph; `advance` takes the outcome of the objective being pursued and returns the new state:
at the next objective to pursue, or finished with a terminal action (end, transfer to a number, call back).
Objectives the business state or the optional toggle skip are passed over on the way and recorded as `skipped`.
Whether the business is open is fixed when the call starts. Every step moves forward in an acyclic graph, so a
walk ends after at most one outcome per objective (plus one `transfer_failed`). A `corrected` outcome (the caller
fixed a detail confirmed earlier, "actually my number is ...") changes that value and moves nothing: captured
values never choose an edge, so a correction can arrive at any point, after the end too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.objectives.errors import WalkError
from domain.objectives.graph import GraphEdge, Node, ObjectiveGraph

OutcomeKind = Literal["confirmed", "chosen", "failed", "declined", "transfer_failed", "corrected"]
FROZEN = ConfigDict(frozen=True, extra="forbid")


class Outcome(BaseModel):
    """What happened at `objective`: a confirmed value, a chosen option, failed (attempts ran out), declined.

    `transfer_failed` reports that the transfer the walk finished with did not connect; `corrected` replaces the
    value of an objective confirmed earlier (`value` is the new one).
    """

    model_config = FROZEN

    objective: str
    kind: OutcomeKind
    value: str | None = None


class Terminal(BaseModel):
    """How the call finishes; `objective` is the node that decided it."""

    model_config = FROZEN

    action: Literal["end", "transfer", "call_back"]
    to: str | None = None
    reason: Literal["end", "transfer", "escalation", "no_transfer_number", "closed", "transfer_failed"]
    objective: str


class Visit(BaseModel):
    """One objective passed, and how."""

    model_config = FROZEN

    objective: str
    result: Literal["confirmed", "chosen", "failed", "declined", "skipped"]


class WalkState(BaseModel):
    """Where a call is in its graph: `at` the objective to pursue, or `terminal` once finished."""

    model_config = FROZEN

    business_open: bool
    at: str | None = None
    terminal: Terminal | None = None
    captured: dict[str, str] = Field(default_factory=dict)
    chosen: dict[str, str] = Field(default_factory=dict)
    visits: tuple[Visit, ...] = ()


def start(graph: ObjectiveGraph, *, business_open: bool) -> WalkState:
    """The state at the call's start: at the first objective that is not skipped (or already finished)."""
    return _enter(graph, WalkState(business_open=business_open), graph.entry)


def fold(graph: ObjectiveGraph, outcomes: Iterable[Outcome], *, business_open: bool) -> WalkState:
    """The state after these outcomes, in order (how a replay rebuilds a call from its events)."""
    state = start(graph, business_open=business_open)
    for outcome in outcomes:
        state = advance(graph, state, outcome)
    return state


def advance(graph: ObjectiveGraph, state: WalkState, outcome: Outcome) -> WalkState:
    """The state after `outcome`; WalkError if it does not fit (another objective, an unknown option, ...)."""
    if outcome.kind == "corrected":
        return _corrected(state, outcome)
    if state.terminal is not None:
        return _after_terminal(state, outcome)
    if outcome.objective != state.at or state.at is None:
        raise WalkError(f"an outcome for {outcome.objective!r} while the walk is at {state.at!r}",
                        code="objective_outcome_mismatch")
    node = graph.node(state.at)
    if outcome.kind == "confirmed" and node.capture is not None and outcome.value:
        return _enter(graph, _record(state, node, "confirmed", captured={node.id: outcome.value}), _next(node, state))
    if outcome.kind == "chosen" and outcome.value in {o.name for o in node.options}:
        moved = _record(state, node, "chosen", chosen={node.id: outcome.value})
        return _enter(graph, moved, _next(node, moved))
    if outcome.kind in ("failed", "declined"):
        moved = _record(state, node, outcome.kind)  # type: ignore[arg-type]
        if node.required:
            return moved.model_copy(update={"at": None, "terminal": _escalation(graph, moved, node)})
        return _enter(graph, moved, _next(node, moved))
    raise WalkError(f"{outcome.kind} {outcome.value!r} does not fit the {node.type} objective {node.id!r}",
                    code="objective_outcome_mismatch")


def _corrected(state: WalkState, outcome: Outcome) -> WalkState:
    if outcome.objective not in state.captured or not outcome.value:
        raise WalkError(f"a correction of {outcome.objective!r}, which has no confirmed value",
                        code="objective_outcome_mismatch")
    return state.model_copy(update={"captured": {**state.captured, outcome.objective: outcome.value}})


def _after_terminal(state: WalkState, outcome: Outcome) -> WalkState:
    terminal = state.terminal
    if terminal is not None and terminal.action == "transfer" and outcome.kind == "transfer_failed" and (
            outcome.objective == terminal.objective):
        back = Terminal(action="call_back", reason="transfer_failed", objective=terminal.objective)
        return state.model_copy(update={"terminal": back})
    raise WalkError(f"an outcome for {outcome.objective!r} after the walk finished", code="objective_walk_finished")


def _record(state: WalkState, node: Node, result: Literal["confirmed", "chosen", "failed", "declined", "skipped"],
            *, captured: dict[str, str] | None = None, chosen: dict[str, str] | None = None) -> WalkState:
    return state.model_copy(update={
        "captured": {**state.captured, **(captured or {})},
        "chosen": {**state.chosen, **(chosen or {})},
        "visits": (*state.visits, Visit(objective=node.id, result=result)),
    })


def next_edge(node: Node, state: WalkState) -> GraphEdge:
    """The edge the walk takes out of `node`: the first whose condition holds for the state's choices."""
    for edge in node.edges:
        if edge.condition is None or edge.condition.holds(state.chosen, state.business_open):
            return edge
    raise WalkError(f"no edge of {node.id!r} holds", code="objective_graph_invalid")


def _next(node: Node, state: WalkState) -> str:
    return next_edge(node, state).to


def skipped(graph: ObjectiveGraph, node: Node, business_open: bool) -> bool:
    """Whether the walk passes over this objective without asking (closed and `when_closed: skip`, or optional
    objectives switched off).
    """
    if node.terminal:
        return False
    return (node.skip_when_closed and not business_open) or (not node.required and graph.optional_objectives == "off")


def _enter(graph: ObjectiveGraph, state: WalkState, node_id: str) -> WalkState:
    for _ in range(len(graph.nodes)):
        node = graph.node(node_id)
        if node.type == "end":
            return state.model_copy(update={"at": None, "terminal": Terminal(action="end", reason="end",
                                                                             objective=node.id)})
        if node.type == "transfer":
            terminal = Terminal(action="transfer", to=node.transfer_to, reason="transfer", objective=node.id)
            return state.model_copy(update={"at": None, "terminal": terminal})
        if not skipped(graph, node, state.business_open):
            return state.model_copy(update={"at": node.id})
        state = _record(state, node, "skipped")
        node_id = _next(node, state)
    raise WalkError("the walk did not finish within the graph's size", code="objective_graph_invalid")


def _escalation(graph: ObjectiveGraph, state: WalkState, node: Node) -> Terminal:
    """A required objective failed: transfer when there is a number and the business is open (or after hours go
    to it too), else promise a call back.
    """
    number = graph.escalation.transfer_to
    if number is not None and (state.business_open or graph.escalation.after_hours == "transfer"):
        return Terminal(action="transfer", to=number, reason="escalation", objective=node.id)
    reason: Literal["closed", "no_transfer_number"] = "closed" if number is not None else "no_transfer_number"
    return Terminal(action="call_back", reason=reason, objective=node.id)


def required_captured(graph: ObjectiveGraph, state: WalkState) -> bool:
    """The walk finished and no required objective on its path failed or was declined (a lead, for integrations)."""
    if state.terminal is None:
        return False
    return all(v.result not in ("failed", "declined") or not graph.node(v.objective).required for v in state.visits)
