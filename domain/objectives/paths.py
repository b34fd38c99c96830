"""Whole-graph checks on the resolved edges: cycles, reachability and conditions on choices not always made before.

"A choice on every path before" a condition is dominance: every path from the entry to the objective whose `next`
holds the condition passes through the choice (or is the choice itself). Dominators are computed once, as bit
sets, in topological order, so the checks stay linear-ish at thousands of objectives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from domain.objectives.objective_types import Choice, Edge, Objective

Loc = list[Any]


@dataclass
class Arc:
    """One resolved edge: where it goes, the `next` entry it came from, and its path in the document."""

    target: int
    edge: Edge | None  # None: the implicit edge to the following objective
    loc: Loc


class ArcGraph(Protocol):
    """What the checks read of the graph being built (domain.objectives.build owns it)."""

    objectives: list[Objective]
    index: dict[str, int]
    arcs: list[list[Arc]]

    def fail(self, loc: Loc, code: str, message: str) -> None:
        """Record a refusal at `loc`."""


def check_paths(b: ArcGraph, n: int) -> None:
    """Append `cycle`, `unreachable` and `when_not_before` refusals to the builder's errors."""
    if n == 0:
        return
    order, cyclic = _walk(b, n)
    reached = set(_reachable(b))
    for i in range(n):
        if i not in reached:
            b.fail(["objectives", i], "unreachable",
                   f"no path from the first objective ({b.objectives[0].id!r}) reaches {b.objectives[i].id!r}")
    if not cyclic:
        _dominance(b, [i for i in order if i in reached])


def _arc_loc(arc: Arc) -> list[object]:
    return [*arc.loc, "goto"] if arc.edge is not None else arc.loc


def _walk(b: ArcGraph, n: int) -> tuple[list[int], bool]:
    """Depth-first over every objective: report each edge that closes a cycle; return a topological order."""
    colour = [0] * n  # 0 unseen, 1 on the current path, 2 done
    post: list[int] = []
    cyclic = False
    for root in range(n):
        if colour[root]:
            continue
        path, stack = [root], [(root, 0)]
        colour[root] = 1
        while stack:
            node, k = stack[-1]
            if k == len(b.arcs[node]):
                stack.pop()
                path.pop()
                colour[node] = 2
                post.append(node)
                continue
            stack[-1] = (node, k + 1)
            arc = b.arcs[node][k]
            if colour[arc.target] == 1:
                cyclic = True
                loop = [b.objectives[j].id for j in path[path.index(arc.target):]] + [b.objectives[arc.target].id]
                b.fail(_arc_loc(arc), "cycle", "the objectives loop: " + " -> ".join(loop))
            elif colour[arc.target] == 0:
                colour[arc.target] = 1
                path.append(arc.target)
                stack.append((arc.target, 0))
    return post[::-1], cyclic


def _reachable(b: ArcGraph) -> list[int]:
    seen, todo = {0}, [0]
    while todo:
        for arc in b.arcs[todo.pop()]:
            if arc.target not in seen:
                seen.add(arc.target)
                todo.append(arc.target)
    return sorted(seen)


def _dominance(b: ArcGraph, order: list[int]) -> None:
    dom: dict[int, int] = {}
    preds: dict[int, list[int]] = {i: [] for i in order}
    for i in order:
        for arc in b.arcs[i]:
            preds[arc.target].append(i)
    everything = (1 << len(b.objectives)) - 1
    for i in order:
        inherited = everything
        for p in preds[i]:
            inherited &= dom[p]
        dom[i] = (inherited if preds[i] else 0) | (1 << i)
    for i in order:
        for arc in b.arcs[i]:
            _dominated(b, i, arc, dom[i])


def _dominated(b: ArcGraph, i: int, arc: Arc, dominators: int) -> None:
    if arc.edge is None or not arc.edge.when:
        return
    for key in arc.edge.when:
        c = b.index.get(key)
        if c is None or not isinstance(b.objectives[c], Choice):
            continue  # already refused as when_unknown_objective / when_not_choice
        if not dominators >> c & 1:
            b.fail([*arc.loc, "when", key], "when_not_before",
                   f"{key!r} is not asked on every path to {b.objectives[i].id!r}, so its answer may not exist here")
