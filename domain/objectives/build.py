"""Objectives -> graph: resolve every edge, then refuse what cannot run (all problems, each at its path).

Refusals: reserved or duplicate ids, unknown gotos, a `next` list without a final unconditional entry or with
entries after it, conditions on unknown objectives, non-choices, unknown options or a choice not on every path
before the condition (dominance), cycles, unreachable objectives, paths that run off the end, transfers with no
number or to a number that routes to an agent.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field

from domain.objectives.config import Escalation
from domain.objectives.errors import ConfigError, error, json_path
from domain.objectives.graph import CAPTURE_KINDS, ChoiceIs, Condition, GraphEdge, Node, Option
from domain.objectives.objective_types import Choice, Edge, Objective, Transfer
from domain.objectives.paths import Arc, Loc, check_paths


@dataclass
class _Builder:
    objectives: list[Objective]
    escalation: Escalation | None
    agent_numbers: Set[str]
    errors: list[ConfigError] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    arcs: list[list[Arc]] = field(default_factory=list)

    def fail(self, loc: Loc, code: str, message: str) -> None:
        self.errors.append(error(loc, code, message))

    def ids(self) -> None:
        for i, objective in enumerate(self.objectives):
            if objective.id == "business":
                self.fail(["objectives", i, "id"], "reserved_id", "`business` names the business condition")
            elif objective.id in self.index:
                self.fail(["objectives", i, "id"], "duplicate_id",
                          f"{objective.id!r} is already objectives[{self.index[objective.id]}]")
            else:
                self.index[objective.id] = i

    def resolve(self) -> None:
        for i, objective in enumerate(self.objectives):
            self.arcs.append(self._arcs(i, objective))

    def _arcs(self, i: int, objective: Objective) -> list[Arc]:
        if isinstance(objective, Transfer):
            self._transfer(i, objective)
            return []
        if objective.type == "end":
            return []
        if objective.next is None:
            if i + 1 < len(self.objectives):
                return [Arc(i + 1, None, ["objectives", i])]
            self.fail(["objectives", i], "no_terminal",
                      f"{objective.id!r} is the last objective and neither an end nor a transfer: the call would "
                      "run off the end (add `next`, or an `end` after it)")
            return []
        return self._explicit(i, objective.next)

    def _explicit(self, i: int, edges: list[Edge]) -> list[Arc]:
        arcs = []
        for j, edge in enumerate(edges):
            loc = ["objectives", i, "next", j]
            if edge.when is None and j + 1 < len(edges):
                self.fail([*loc[:-1], j + 1], "edge_after_default",
                          "this entry follows an entry without `when`, so it can never be taken")
            self._condition_syntax(loc, edge)
            if edge.goto not in self.index:
                self.fail([*loc, "goto"], "goto_unknown", f"no objective has the id {edge.goto!r}")
            else:
                arcs.append(Arc(self.index[edge.goto], edge, loc))
        if edges[-1].when is not None:
            self.fail(["objectives", i, "next"], "no_default_next",
                      "the last entry of `next` needs no `when`: it is where the call goes when no condition holds")
        return arcs

    def _condition_syntax(self, loc: Loc, edge: Edge) -> None:
        if edge.when is None:
            return
        if not edge.when:
            self.fail([*loc, "when"], "invalid_condition", "an empty `when`; leave it out for an unconditional entry")
        for key, values in edge.when.items():
            if key == "business":
                if len(values) != 1 or values[0] not in ("open", "closed"):
                    self.fail([*loc, "when", key], "invalid_condition", "`business:` is `open` or `closed`")
                continue
            self._choice_reference([*loc, "when", key], key, values)

    def _choice_reference(self, loc: Loc, key: str, values: list[str]) -> None:
        target = self.index.get(key)
        if target is None:
            self.fail(loc, "when_unknown_objective", f"no objective has the id {key!r}")
            return
        objective = self.objectives[target]
        if not isinstance(objective, Choice):
            self.fail(loc, "when_not_choice", f"{key!r} is a {objective.type}; a `when` names a choice's option")
            return
        for value in values:
            if value not in objective.options:
                known = ", ".join(objective.options)
                self.fail(loc, "when_unknown_option", f"{key!r} has no option {value!r} (it has {known})")

    def _transfer(self, i: int, objective: Transfer) -> None:
        if self.escalation is None:
            return  # the escalation section is itself refused; its errors are reported
        number = self.escalation.transfer_to if objective.to == "escalation" else objective.to
        if number is None:
            self.fail(["objectives", i, "to"], "transfer_no_number",
                      "this transfer goes to the escalation number, and `escalation.transfer_to` is not set")
        elif number in self.agent_numbers:
            self.fail(["objectives", i, "to"], "transfer_loop",
                      f"{number} routes to an AI agent; a transfer must reach a person")

    def target(self, i: int) -> str | None:
        """The number a transfer node dials, once the checks have passed."""
        objective = self.objectives[i]
        if not isinstance(objective, Transfer):
            return None
        return self.escalation.transfer_to if objective.to == "escalation" and self.escalation else objective.to


def _node(b: _Builder, i: int) -> Node:
    o = b.objectives[i]
    edges = tuple(GraphEdge(to=b.objectives[a.target].id, condition=_condition(a.edge), source=_source(a.loc))
                  for a in b.arcs[i])
    # Mapping keys are sorted, as in the canonical form: the graph is a function of the hashed text.
    options = tuple(Option(name=k, phrases=tuple(o.options[k])) for k in sorted(o.options)) if isinstance(
        o, Choice) else ()
    is_step = o.type not in ("end", "transfer")
    return Node(
        id=o.id, type=o.type, capture=CAPTURE_KINDS.get(o.type), required=getattr(o, "required", True),
        skip_when_closed=is_step and getattr(o, "when_closed", "ask") == "skip",
        prompt_topic=getattr(o, "prompt_topic", None), options=options, edges=edges, transfer_to=b.target(i),
        source=_source(["objectives", i]),
    )


def _condition(edge: Edge | None) -> Condition | None:
    if edge is None or edge.when is None:
        return None
    business = edge.when.get("business")
    choices = tuple(ChoiceIs(objective=k, options=tuple(edge.when[k])) for k in sorted(edge.when) if k != "business")
    return Condition(choices=choices, business=business[0] if business else None)  # type: ignore[arg-type]


def _source(loc: Loc) -> str:
    return json_path(loc)


def build_graph(objectives: list[Objective], escalation: Escalation | None,
                agent_numbers: Set[str]) -> tuple[tuple[Node, ...], list[ConfigError]]:
    """The nodes in document order (entry first), or every refusal found; the nodes are only valid with no errors."""
    b = _Builder(objectives, escalation, agent_numbers)
    b.ids()
    b.resolve()
    check_paths(b, len(objectives))
    if b.errors:
        return (), b.errors
    return tuple(_node(b, i) for i in range(len(objectives))), []
