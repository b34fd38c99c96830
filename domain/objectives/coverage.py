"""The smoke tests' covering set: scripted walks that reach every objective and take every edge, open and closed.

Only the options of choices and the business state decide which edge a walk takes (captured values never do), so
the walks are enumerated over the choices' options (depth first, options in order) with every capture confirmed,
and a walk is kept when it covers an objective or edge that no kept walk of the same business state covered: open
and closed are covered separately, so an after-hours skip is exercised as well as the question in hours. A
required objective's failure is covered by one more walk per business state (the first required objective fails:
the escalation). Whatever no caller can reach (an edge after one whose condition always holds first, an optional
objective switched off) is returned as uncovered rather than failing: onboarding shows it; the compiler accepted
the graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from domain.objectives.graph import ObjectiveGraph
from domain.objectives.walk import Outcome, Terminal, Visit, WalkState, advance, next_edge, start

MAX_WALKS = 20_000
# What a scripted caller confirms for each kind: the outcome only needs a value, the smoke test says its own.
SAMPLE = {"name": "Sam Lee", "phone": "+61412345678", "email": "sam@example.com",
          "address": "12 Harbour St, Sydney NSW 2000", "date_time": "2026-11-26T09:00", "message": "Please call back"}


class SmokePath(BaseModel):
    """One scripted call: the business state, the outcomes in order, and what the walk must finish with."""

    model_config = ConfigDict(frozen=True)

    business_open: bool
    outcomes: tuple[Outcome, ...]
    terminal: Terminal
    visits: tuple[Visit, ...]
    edges: tuple[str, ...]  # the `source` of each edge taken


class Coverage(BaseModel):
    """The covering set and whatever it could not cover (objective ids, edge sources)."""

    model_config = ConfigDict(frozen=True)

    paths: tuple[SmokePath, ...]
    uncovered_objectives: tuple[str, ...]
    uncovered_edges: tuple[str, ...]


def covering_paths(graph: ObjectiveGraph, *, max_walks: int = MAX_WALKS) -> Coverage:
    """Scripted walks covering every reachable objective and edge, open and (with hours) closed, each separately."""
    states = (True, False) if graph.business is not None else (True,)
    nodes = {n.id for n in graph.nodes}
    targets = nodes | {e.source for n in graph.nodes for e in n.edges}
    paths: list[SmokePath] = []
    asked: set[str] = set()
    for business_open in states:
        covered: set[str] = set()
        for path in _walks(graph, start(graph, business_open=business_open), (), max_walks):
            new = _covers(path, skipped=True) - covered
            if new:
                paths.append(path)
                covered |= new
                asked |= _covers(path, skipped=False)
            if covered >= targets:
                break
        paths.extend(_escalation(graph, business_open))
    return Coverage(paths=tuple(paths), uncovered_objectives=tuple(sorted(nodes - asked)),
                    uncovered_edges=tuple(sorted(targets - nodes - asked)))


def _covers(path: SmokePath, *, skipped: bool) -> set[str]:
    """What a walk exercises; passing over a skipped objective counts only when `skipped`."""
    visited = {v.objective for v in path.visits if skipped or v.result != "skipped"}
    return visited | {path.terminal.objective} | set(path.edges)


def _walks(graph: ObjectiveGraph, state: WalkState, outcomes: tuple[Outcome, ...], budget: int) -> Iterator[SmokePath]:
    stack = [(state, outcomes)]
    while stack and budget > 0:
        state, outcomes = stack.pop()
        if state.terminal is not None:
            budget -= 1
            yield _path(graph, state, outcomes)
            continue
        node = graph.node(state.at or "")
        if node.type == "choice":
            choices = [Outcome(objective=node.id, kind="chosen", value=o.name) for o in node.options]
        else:
            choices = [Outcome(objective=node.id, kind="confirmed", value=SAMPLE[node.capture or "message"])]
        stack.extend((advance(graph, state, o), (*outcomes, o)) for o in reversed(choices))


def _path(graph: ObjectiveGraph, state: WalkState, outcomes: tuple[Outcome, ...]) -> SmokePath:
    assert state.terminal is not None
    edges = tuple(next_edge(graph.node(v.objective), state).source for v in state.visits
                  if v.result in ("confirmed", "chosen", "skipped", "declined"))
    return SmokePath(business_open=state.business_open, outcomes=outcomes, terminal=state.terminal,
                     visits=state.visits, edges=edges)


def _escalation(graph: ObjectiveGraph, business_open: bool) -> list[SmokePath]:
    """The walk where the first required objective asked fails (the escalation: transfer or call back)."""
    state = start(graph, business_open=business_open)
    outcomes: list[Outcome] = []
    while state.terminal is None and state.at is not None:
        node = graph.node(state.at)
        if node.required:
            outcome = Outcome(objective=node.id, kind="failed")
        elif node.type == "choice":
            outcome = Outcome(objective=node.id, kind="chosen", value=node.options[0].name)
        else:
            outcome = Outcome(objective=node.id, kind="confirmed", value=SAMPLE[node.capture or "message"])
        outcomes.append(outcome)
        state = advance(graph, state, outcome)
    if state.terminal is None or state.terminal.reason not in ("escalation", "closed", "no_transfer_number"):
        return []
    return [_path(graph, state, tuple(outcomes))]
