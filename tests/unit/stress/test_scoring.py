"""The stress verdict fails a call that breaks its persona's contract: a wrong value, a transfer without reason,
a call that never ends, a value taken from abuse, a silence that is not closed politely; and the report says so."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.objectives import compile_config
from domain.onboarding.events import EventView
from domain.stress import Observed, Persona, expectation, judge, summarize
from domain.stress.gate import stress_detail, stress_summary
from domain.stress.messages import parse_personas, persona_calls
from tests.helpers.stress_text import play, verdict
from voice_runtime.testing.stress_callers import draw_plan
from workers.onboard_cli import stage_line
from workers.stress import table

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "tenants"
GRAPH = compile_config((EXAMPLES / "harbour-plumbing.yaml").read_text()).graph
assert GRAPH.business is not None
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=ZoneInfo(GRAPH.business.timezone))


def _call(persona: Persona) -> tuple[list[EventView], Observed]:
    plan = draw_plan(persona, GRAPH, business_open=True, seed=0, now=NOW)
    return play(GRAPH, plan, NOW)


def _judge(persona: Persona, events: list[EventView], observed: Observed) -> list[str]:
    plan = draw_plan(persona, GRAPH, business_open=True, seed=0, now=NOW)
    return judge(GRAPH, expectation(GRAPH, plan), events, observed, version=1, call_sid="CAx", seed=0).problems


def _edit(events: list[EventView], event_type: str, objective: str, **changes: Any) -> list[EventView]:
    return [(k, {**p, **changes}) if k == event_type and p.get("objective") == objective else (k, p) for k, p in events]


def test_a_passing_call_passes() -> None:
    events, observed = _call(Persona.COOPERATIVE)
    assert _judge(Persona.COOPERATIVE, events, observed) == []


def test_a_value_that_is_not_the_callers_fails() -> None:
    events, observed = _call(Persona.COOPERATIVE)
    wrong = _edit(events, "objective.outcome", "phone", value="+61400000000")
    assert any(p.startswith("phone: captured '+61400000000'") for p in _judge(Persona.COOPERATIVE, wrong, observed))


def test_a_transfer_without_reason_fails() -> None:
    events, observed = _call(Persona.COOPERATIVE)
    moved = [*events[:-1], ("transfer.requested", {"to": "+61290000002"}), events[-1]]
    assert "transferred to +61290000002 without reason" in _judge(Persona.COOPERATIVE, moved, observed)


def test_a_call_that_never_ends_fails() -> None:
    events, observed = _call(Persona.COOPERATIVE)
    assert "the call did not end" in _judge(Persona.COOPERATIVE, events[:-1], observed)


def test_a_value_taken_from_abuse_fails() -> None:
    events, observed = _call(Persona.HOSTILE)
    assert _judge(Persona.HOSTILE, events, observed) == []
    abused = _edit(events, "objective.outcome", "name", kind="confirmed", value="Stupid Machine")
    assert any("objective outcomes differ" in p for p in _judge(Persona.HOSTILE, abused, observed))


def test_silence_must_be_reprompted_then_closed() -> None:
    events, observed = _call(Persona.SILENT)
    assert _judge(Persona.SILENT, events, observed) == []
    fewer = [e for e in events if e[0] != "dialogue.silence_reprompt"]
    assert any("silence reprompts" in p for p in _judge(Persona.SILENT, fewer, observed))


def test_the_report_names_the_persona_and_the_problem() -> None:
    good = verdict(GRAPH, draw_plan(Persona.COOPERATIVE, GRAPH, business_open=True, seed=0, now=NOW), NOW)[0]
    events, observed = _call(Persona.SPELLER)
    plan = draw_plan(Persona.SPELLER, GRAPH, business_open=True, seed=0, now=NOW)
    bad = judge(GRAPH, expectation(GRAPH, plan), events[:-1], observed, version=1, call_sid="CAbad", seed=0)
    report = summarize([good, bad])
    assert not report.passed and [f.ok for f in report.personas] == [True, False]
    text = table(report)
    assert "speller" in text and "FAIL" in text and "the call did not end" in text and "call:CAbad" in text


def test_personas_by_name() -> None:
    assert parse_personas("all") == tuple(Persona)
    assert parse_personas("silent, hostile,silent") == (Persona.SILENT, Persona.HOSTILE)
    assert parse_personas("none") == ()
    with pytest.raises(ValueError, match="unknown persona grumpy"):
        parse_personas("grumpy,silent")
    calls = persona_calls(GRAPH, (Persona.COOPERATIVE, Persona.SILENT), 2, seed=5)
    # the cooperative caller runs open and closed (the plumber has hours), the silent one open only
    assert [(c.persona, c.business_open, c.seed) for c in calls] == [
        (Persona.COOPERATIVE, True, 5), (Persona.COOPERATIVE, True, 6), (Persona.COOPERATIVE, False, 5),
        (Persona.COOPERATIVE, False, 6), (Persona.SILENT, True, 5), (Persona.SILENT, True, 6)]


def test_the_gate_detail_says_which_persona_failed_and_where_its_events_are() -> None:
    good = verdict(GRAPH, draw_plan(Persona.SILENT, GRAPH, business_open=True, seed=0, now=NOW), NOW)[0]
    events, observed = _call(Persona.HOSTILE)
    plan = draw_plan(Persona.HOSTILE, GRAPH, business_open=True, seed=0, now=NOW)
    bad = judge(GRAPH, expectation(GRAPH, plan), events[:-1], observed, version=1, call_sid="CAbad", seed=0)
    detail = stress_detail(3, [good, bad])
    assert (detail["calls"], detail["done"], detail["passed"]) == (3, 2, 1)
    assert {p["name"]: p["ok"] for p in detail["personas"]} == {"hostile": False, "silent": True}
    [failure] = detail["failures"]
    assert failure["persona"] == "hostile" and failure["stream"] == "call:CAbad" and failure["transcript"]
    assert stress_summary(detail) == ("1 of 3 stress calls failed (hostile); first: hostile (open, seed 0): "
                                      "the call did not end")
    line = stage_line({"stage": "stress", "status": "failed", "seconds": 61.0, "detail": detail})
    assert line == "  ✗ stress      61.0s  [########----] 2/3 persona calls, 1 passed; failed: hostile"
