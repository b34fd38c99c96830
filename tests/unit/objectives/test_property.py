"""Properties: every graph the compiler accepts finishes on every sequence of caller outcomes; no document crashes it.

The graphs come from `generated.documents` (graphs an operator could write; every one must compile).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.objectives import CODES, ConfigInvalid, ObjectiveGraph, Outcome, WalkState, advance, compile_document, start
from tests.unit.objectives.documents import plumber
from tests.unit.objectives.generated import documents


def _outcome(data: st.DataObject, node_type: str, node_id: str, options: list[str]) -> Outcome:
    if node_type == "choice":
        kind = data.draw(st.sampled_from(["chosen", "chosen", "failed", "declined"]))
        value = data.draw(st.sampled_from(options)) if kind == "chosen" else None
    else:
        kind = data.draw(st.sampled_from(["confirmed", "confirmed", "failed", "declined"]))
        value = "a value" if kind == "confirmed" else None
    return Outcome(objective=node_id, kind=kind, value=value)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents(), data=st.data())
def test_every_accepted_graph_finishes_on_every_sequence_of_outcomes(document: dict[str, Any],
                                                                     data: st.DataObject) -> None:
    graph = compile_document(document).graph  # the generator only writes valid graphs: this must compile
    state = start(graph, business_open=data.draw(st.booleans()))
    outcomes = 0
    while state.terminal is None:
        assert outcomes <= len(graph.nodes), "the walk did not finish"
        assert state.at is not None
        node = graph.node(state.at)
        state = advance(graph, state, _outcome(data, node.type, node.id, [o.name for o in node.options]))
        outcomes += 1
    event(f"finished with {state.terminal.action} ({state.terminal.reason})")
    event(f"skipped an objective: {any(v.result == 'skipped' for v in state.visits)}")
    event(f"took a conditional edge: {_took_a_condition(graph, state)}")
    visited = [v.objective for v in state.visits]
    assert len(visited) == len(set(visited)), "an objective was visited twice"
    if state.terminal.action == "transfer" and data.draw(st.booleans()):
        failed = Outcome(objective=state.terminal.objective, kind="transfer_failed")
        assert advance(graph, state, failed).terminal.action == "call_back"  # type: ignore[union-attr]


def _took_a_condition(graph: ObjectiveGraph, state: WalkState) -> bool:
    path = [v.objective for v in state.visits] + [state.terminal.objective if state.terminal else ""]
    return any(e.condition is not None and e.to == b for a, b in zip(path, path[1:], strict=False)
               for e in graph.node(a).edges[:1])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(
        ["", "x", "name", "phone", "transfer", "escalation", "+61290000001", "07:00-17:00", "choice", "end",
         "2026-12-25", "capture_phone", "open", "closed", "skip", "emergency", "business"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "type", "next", "goto", "when", "to", "options", "on", "mon", "x"]), inner, max_size=3),
    max_leaves=8)


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(plumber())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        node: Any = document
        while isinstance(node, dict | list) and node and draw(st.integers(0, 3)) > 0:
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else list(range(len(node)))))
            if not isinstance(node[key], dict | list) or not node[key]:
                break
            node = node[key]
        if isinstance(node, dict) and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(JSON_VALUES)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(JSON_VALUES)
    return document


@settings(max_examples=300, deadline=None)
@given(document=mutated_documents())
def test_any_document_compiles_or_is_refused_with_known_codes(document: dict[str, Any]) -> None:
    try:
        compile_document(document)
    except ConfigInvalid as exc:
        assert exc.errors
        assert all(e.code in CODES and e.path.startswith("$") for e in exc.errors)
