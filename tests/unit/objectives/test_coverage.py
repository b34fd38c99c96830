"""The smoke tests' covering set: every objective and edge, open and closed, each path replayable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from domain.objectives import (
    ObjectiveGraph,
    compile_config,
    compile_document,
    covering_paths,
    default_graph,
    fold,
)
from tests.unit.objectives.documents import mutated, objective
from tests.unit.objectives.generated import documents

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "tenants").iterdir())


def assert_replayable(graph: ObjectiveGraph) -> None:
    for path in covering_paths(graph).paths:
        state = fold(graph, path.outcomes, business_open=path.business_open)
        assert state.terminal == path.terminal and state.visits == path.visits


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_examples_are_covered_entirely(path: Path) -> None:
    graph = compile_config(path.read_text(encoding="utf-8")).graph
    coverage = covering_paths(graph)
    assert coverage.uncovered_objectives == () and coverage.uncovered_edges == ()
    assert {p.business_open for p in coverage.paths} == {True, False}
    taken = {e for p in coverage.paths for e in p.edges}
    assert taken == {e.source for n in graph.nodes for e in n.edges}
    assert_replayable(graph)


def test_the_plumbers_set_exercises_the_after_hours_skip_and_both_escalations() -> None:
    graph = compile_config((EXAMPLES[0].parent / "harbour-plumbing.yaml").read_text(encoding="utf-8")).graph
    paths = covering_paths(graph).paths
    closed_visits = {(v.objective, v.result) for p in paths if not p.business_open for v in p.visits}
    assert ("visit", "skipped") in closed_visits
    assert {(p.business_open, p.terminal.action) for p in paths if p.terminal.reason != "end"} >= {
        (True, "transfer"), (False, "call_back")}


def test_an_edge_no_caller_can_take_is_reported() -> None:
    document = mutated(lambda d: objective(d, "service").update(next=[
        {"when": {"service": "emergency"}, "goto": "transfer"}, {"when": {"service": "emergency"}, "goto": "email"},
        {"goto": "phone"}]))
    coverage = covering_paths(compile_document(document).graph)
    assert coverage.uncovered_edges == ("$.objectives[1].next[1]",)


def test_an_optional_objective_switched_off_is_reported() -> None:
    coverage = covering_paths(compile_document(mutated(lambda d: d.update(optional_objectives="off"))).graph)
    assert coverage.uncovered_objectives == ("email",)


def test_the_default_graph_is_covered_in_one_business_state() -> None:
    coverage = covering_paths(default_graph("+61290000002"))
    assert {p.business_open for p in coverage.paths} == {True} and coverage.uncovered_objectives == ()
    assert [p.terminal.reason for p in coverage.paths] == ["end", "escalation"]


@settings(max_examples=100, deadline=None)
@given(document=documents())
def test_every_covering_path_replays_to_what_it_promises(document: dict[str, Any]) -> None:
    assert_replayable(compile_document(document).graph)


def test_a_large_graph_stays_within_the_walk_budget() -> None:
    many = [{"id": f"c{i}", "type": "choice", "options": {"a": ["alpha"], "b": ["beta"], "c": []}} for i in range(30)]
    document = mutated(lambda d: d.update(objectives=[*many, {"id": "done", "type": "end"}]))
    coverage = covering_paths(compile_document(document).graph, max_walks=500)
    assert coverage.uncovered_objectives == () and len(coverage.paths) <= 10
