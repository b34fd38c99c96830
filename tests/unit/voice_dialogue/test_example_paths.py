"""Every example tenant, every path of its covering set: a scripted caller walks it through the pure dialogue, and
the dialogue records the path's outcomes and finishes with its terminal (what the onboarding smoke calls check over
audio).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.objectives import ObjectiveGraph, SmokePath, compile_config, covering_paths
from tests.helpers.voice_dialogue import VALUES, walk_path

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "tenants").iterdir())


def graph_of(path: Path) -> ObjectiveGraph:
    return compile_config(path.read_text(encoding="utf-8")).graph


CASES = [(example, graph_of(example), path) for example in EXAMPLES for path in covering_paths(graph_of(example)).paths]


@pytest.mark.parametrize(("example", "graph", "path"), CASES,
                         ids=[f"{e.stem}-{'open' if p.business_open else 'closed'}-{i}" for i, (e, _, p)
                              in enumerate(CASES)])
def test_the_dialogue_walks_the_path(example: Path, graph: ObjectiveGraph, path: SmokePath) -> None:
    walked = walk_path(graph, path)
    assert [(o.objective, o.kind) for o in walked.outcomes] == [(o.objective, o.kind) for o in path.outcomes], \
        walked.lines
    for said, planned in zip(walked.outcomes, path.outcomes, strict=True):
        node = graph.node(planned.objective)
        if planned.kind == "chosen":
            assert said.value == planned.value
        elif node.capture == "date_time":  # "tomorrow at 9 am" in the business's own timezone
            assert said.value is not None and said.value.startswith("2026-11-26T09:00:00+1")
        elif planned.kind == "confirmed":
            assert said.value == VALUES[node.capture or "message"]
    assert walked.terminal == path.terminal.model_dump(mode="json")
    expected_action = {"end": "speak_and_hangup", "call_back": "speak_and_hangup", "transfer": "transfer"}
    assert walked.last.action == expected_action[path.terminal.action]
    if path.terminal.action == "transfer":
        assert walked.last.transfer_to == path.terminal.to
    skipped = [p["objective"] for t, p in walked.events if t == "objective.skipped"]
    assert skipped == [v.objective for v in path.visits if v.result == "skipped"]


def test_every_example_has_paths_to_walk() -> None:
    assert {e.stem for e, _, _ in CASES} == {p.stem for p in EXAMPLES} and len(CASES) >= 9
