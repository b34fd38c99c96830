"""Every stress persona on every example tenant, through the real Voice Core at the level of words.

The CI half of the gate: a Voice Core change (capture, choice, dialogue, the objective walk) that breaks a persona's
contract on an example tenant fails here, in seconds, before any audio is involved. The personas' moves read the
events the dialogue records, their expectations come from the graph's walk (domain/stress/expect.py), and the
verdict is the audio harness's own (`domain.stress.judge`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.objectives import ObjectiveGraph, compile_config
from domain.stress import ALL, Persona, business_states, summarize
from tests.helpers.stress_text import lines, verdict
from voice_runtime.testing.stress_callers import draw_plan

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "tenants"
SEEDS = range(4)


def _graph(name: str) -> ObjectiveGraph:
    path = EXAMPLES / name
    return compile_config(path.read_text(), "json" if path.suffix == ".json" else "yaml").graph


GRAPHS = {path.name: _graph(path.name) for path in sorted(EXAMPLES.iterdir())}


def _now(graph: ObjectiveGraph) -> datetime:
    zone = ZoneInfo(graph.business.timezone) if graph.business is not None else None
    return datetime(2026, 12, 2, 10, 30, tzinfo=zone)  # a Wednesday morning


@pytest.mark.parametrize("example", sorted(GRAPHS))
@pytest.mark.parametrize("persona", ALL, ids=[p.value for p in ALL])
def test_persona_holds_its_contract(example: str, persona: Persona) -> None:
    graph = GRAPHS[example]
    now = _now(graph)
    for state in business_states(persona, graph):
        for seed in SEEDS:
            plan = draw_plan(persona, graph, business_open=state, seed=seed, now=now)
            checked, events = verdict(graph, plan, now)
            assert checked.passed, "\n".join([f"{persona.value} open={state} seed={seed}", *checked.problems,
                                              *lines(events)])


def test_the_walk_captures_each_value_exactly() -> None:
    """The cooperative, speller and corrector callers' values end up in the call exactly as they were given; the
    DTMF caller, whose keys answer no name or choice, is escalated (a transfer) with nothing taken from its keys."""
    graph = GRAPHS["bright-spark-electrical.yaml"]
    now = _now(graph)
    verdicts = []
    for persona in (Persona.COOPERATIVE, Persona.SPELLER, Persona.CORRECTOR, Persona.DTMF_ONLY):
        plan = draw_plan(persona, graph, business_open=True, seed=0, now=now)  # seed 0: the longest path
        verdicts.append(verdict(graph, plan, now)[0])
    report = summarize(verdicts)
    assert report.passed
    by_name = {f.name: f for f in report.personas}
    assert by_name["cooperative"].values >= 4 and by_name["cooperative"].exact == by_name["cooperative"].values
    assert by_name["speller"].exact == by_name["cooperative"].values
    assert by_name["dtmf_only"].values == 0 and report.calls[-1].transfer_expected
    assert report.overall.transfers_right == 1.0


def test_a_request_for_a_person_is_put_through_only_when_someone_can_answer() -> None:
    graph = GRAPHS["harbour-plumbing.yaml"]
    now = _now(graph)
    found = {}
    for state in (True, False):
        plan = draw_plan(Persona.ASKS_FOR_PERSON, graph, business_open=state, seed=0, now=now)
        checked, _ = verdict(graph, plan, now)
        assert checked.passed, checked.problems
        found[state] = (checked.transfer_expected, checked.transfers)
    assert graph.escalation.transfer_to is not None
    expected_closed = graph.escalation.after_hours == "transfer"
    assert found == {True: (True, 1), False: (expected_closed, int(expected_closed))}


def test_the_seed_names_the_caller() -> None:
    graph = GRAPHS["harbour-plumbing.yaml"]
    now = _now(graph)
    first = draw_plan(Persona.CONFUSED, graph, business_open=True, seed=7, now=now)
    assert draw_plan(Persona.CONFUSED, graph, business_open=True, seed=7, now=now) == first
    assert draw_plan(Persona.CONFUSED, graph, business_open=True, seed=8, now=now) != first


def test_the_callers_numbers_exist() -> None:
    """A caller's number is one the business can ring back (the corpus drew 0479 ... and 08 4... before)."""
    import random

    import phonenumbers

    from voice_runtime.testing import speech_corpus

    rng = random.Random(3)
    numbers = [speech_corpus.answer("phone", rng).truth for _ in range(300)]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    assert any(n.startswith("+614") for n in numbers) and any(not n.startswith("+614") for n in numbers)
