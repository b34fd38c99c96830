"""The example tenants compile, and each walks the way its comments say."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.objectives import CompiledConfig, Outcome, Terminal, compile_config, fold

EXAMPLES = Path(__file__).parents[3] / "examples" / "tenants"


def compiled(name: str) -> CompiledConfig:
    return compile_config((EXAMPLES / name).read_text(encoding="utf-8"))


def said(objective: str, value: str) -> Outcome:
    return Outcome(objective=objective, kind="chosen" if objective in ("job", "reason", "service") else "confirmed",
                   value=value)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir()))
def test_every_example_compiles(name: str) -> None:
    assert len(compiled(name).hash) == 64


def test_there_are_three_shapes_at_least() -> None:
    assert len(list(EXAMPLES.iterdir())) >= 3


def test_the_plumber_triages_emergencies_to_a_person() -> None:
    graph = compiled("harbour-plumbing.yaml").graph
    state = fold(graph, [said("name", "Sam"), said("service", "emergency")], business_open=True)
    assert state.terminal == Terminal(action="transfer", to="+61290000002", reason="transfer", objective="transfer")


def test_the_electrician_books_a_job() -> None:
    graph = compiled("bright-spark-electrical.yaml").graph
    outcomes = [said("job", "repair"), said("name", "Alex Chen"), said("phone", "+61412000111"),
                said("address", "12 Main St, Logan QLD 4114"), said("booking", "2026-11-26T09:00"),
                Outcome(objective="email", kind="declined")]
    state = fold(graph, outcomes, business_open=True)
    assert state.terminal is not None and state.terminal.objective == "booked"
    assert state.captured["booking"] == "2026-11-26T09:00"


def test_the_electrician_sends_emergencies_to_dispatch_in_hours_and_on_call_after() -> None:
    graph = compiled("bright-spark-electrical.yaml").graph
    open_ = fold(graph, [said("job", "emergency")], business_open=True).terminal
    closed = fold(graph, [said("job", "emergency")], business_open=False).terminal
    assert open_ is not None and (open_.objective, open_.to) == ("dispatch", "+61730000002")
    assert closed is not None and (closed.objective, closed.to) == ("on_call", "+61412345678")


def test_the_electrician_escalates_to_on_call_after_hours() -> None:
    graph = compiled("bright-spark-electrical.yaml").graph
    state = fold(graph, [said("job", "install"), Outcome(objective="name", kind="failed")], business_open=False)
    assert state.terminal == Terminal(action="transfer", to="+61412345678", reason="escalation", objective="name")


def test_the_clinic_takes_a_message_and_a_preferred_time_for_appointments() -> None:
    config = compiled("northside-clinic.json")
    assert config.config.recording == "off"
    base = [said("caller", "Pat Smith"), said("callback", "+61399990000"), said("note", "Can Dr Lee see me")]
    appointment = fold(config.graph, [base[0], said("reason", "appointment"), *base[1:]], business_open=True)
    results = fold(config.graph, [base[0], said("reason", "results"), *base[1:]], business_open=True)
    assert appointment.at == "preferred_time"
    assert results.terminal is not None and results.terminal.objective == "done"


def test_the_clinic_promises_a_call_back_when_a_capture_fails() -> None:
    graph = compiled("northside-clinic.json").graph
    state = fold(graph, [Outcome(objective="caller", kind="failed")], business_open=True)
    assert state.terminal == Terminal(action="call_back", reason="no_transfer_number", objective="caller")
