"""Calls on a tenant's objective graph over the Twilio protocol: the plumber example's emergency path ends in a
transfer, its quote path in the summary and goodbye; each call's stream records the graph's outcomes and replays.

The caller's voice and the agent's are real piper audio; the words come from ScriptedStt (released by voiced
audio). The number routes to the plumber's configuration as its active version (open around the clock here, so
the call's business state does not depend on when the test runs).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.objectives import Outcome, compile_config, fold
from domain.onboarding.versions import StoredVersion
from domain.tenants import Tenant
from domain.voice.dialogue.replay import replay_call
from domain.voice.recorded import recorded_outcome, recorded_outcomes
from infra.db.voice_numbers import NumberRoute
from tests.helpers.voice_worker import ESCALATION, FAST, NUMBER, VoiceFactory, during_call, stored_events
from voice_runtime.routing import RouteRecord, StaticRoutes
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Pause, Say, Step, WaitForAgent
from voice_runtime.transfer import LocalTransfer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ALL_WEEK = {day: ["00:00-23:59"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
_SOURCE = (Path(__file__).parents[3] / "examples/tenants/harbour-plumbing.yaml").read_text()
_DOCUMENT = compile_config(_SOURCE).config.model_dump(mode="json", exclude_none=True)
_DOCUMENT["business"]["hours"], _DOCUMENT["business"]["holidays"] = ALL_WEEK, []
_DOCUMENT["numbers"] = [NUMBER]
COMPILED = compile_config(json.dumps(_DOCUMENT), "json")
PLUMBER = COMPILED.graph


def plumber_routes(tenant: Tenant) -> StaticRoutes:
    """The test number answered by the tenant, running the plumber's graph as its active version 3."""
    stored = StoredVersion(tenant_id=tenant.id, version=3, hash=COMPILED.hash, canonical=json.loads(COMPILED.canonical),
                           document=_DOCUMENT, source_format="json", created_at=datetime.now(UTC), created_by="test")
    route = NumberRoute(number=NUMBER, tenant_id=tenant.id, tenant_name=tenant.name, timezone="Australia/Sydney",
                        transfer_to=ESCALATION)
    return StaticRoutes({NUMBER: RouteRecord(route, active=stored)})


def of(events: list[Any], type_: str) -> list[dict[str, Any]]:
    return [e.payload for e in events if e.type == type_]


def script(lines: list[str], *, end: Step) -> tuple[ScriptedStt, list[Step]]:
    steps: list[Step] = [WaitForAgent()]
    for line in lines:
        steps += [Say(line), WaitForAgent()]
    return ScriptedStt([ScriptLine(t, 300) for t in lines]), [*steps[:-1], end]


def assert_replays(events: list[Any]) -> None:
    steps = replay_call(PLUMBER, events)
    said = [p["text"] for p in of(events, "agent.utterance.started")]
    assert [s.say for s in steps if s.say] == said
    replayed = [o for s in steps for o in s.events if o["type"] == "objective.outcome"]
    assert [recorded_outcome(o["payload"]) for o in replayed] == recorded_outcomes(events)


async def test_an_emergency_on_the_plumbers_graph_is_put_through(
    voice_worker: VoiceFactory, tenant: Tenant, piper: Any, engine: AsyncEngine
) -> None:
    transfer = LocalTransfer()
    stt, steps = script(["my name is jane smith", "yes", "there's a burst pipe in the kitchen"], end=Pause(15))
    async with voice_worker(stt, piper, transfer=transfer, routes=plumber_routes(tenant), **FAST) as voice:
        caller = await voice.place_call(piper)
        report = await caller.run(steps, max_seconds=60)
        events = await stored_events(engine, caller.call_sid)
    started = of(events, "call.started")[0]
    assert (started["config_version"], started["config_hash"], started["business_open"]) == (
        3, PLUMBER.config_hash, True)
    assert recorded_outcomes(events) == [Outcome(objective="name", kind="confirmed", value="Jane Smith"),
                                         Outcome(objective="service", kind="chosen", value="emergency")]
    assert [p["objective"] for p in of(events, "objective.started")] == ["name", "service", "transfer"]
    assert of(events, "dialogue.ended")[-1]["terminal"] == {"action": "transfer", "to": "+61290000002",
                                                            "reason": "transfer", "objective": "transfer"}
    assert transfer.requests and transfer.requests[0][:2] == (caller.call_sid, "+61290000002")
    assert report.closed_by_agent and during_call(events)[-1].payload["reason"] == "transferred"
    assert_replays(events)


async def test_a_quote_on_the_plumbers_graph_goes_to_the_end(
    voice_worker: VoiceFactory, tenant: Tenant, piper: Any, engine: AsyncEngine
) -> None:
    lines = ["my name is jane smith", "yes", "i need a quote for a new bathroom",
             "zero four one two three four five six seven eight", "yes", "no thanks", "tomorrow at nine am", "yes",
             "yes"]
    stt, steps = script(lines, end=WaitForAgent())
    async with voice_worker(stt, piper, routes=plumber_routes(tenant), **FAST) as voice:
        caller = await voice.place_call(piper)
        report = await caller.run(steps, max_seconds=120)
        events = await stored_events(engine, caller.call_sid)
    assert report.closed_by_agent and not report.timed_out, report
    outcomes = recorded_outcomes(events)
    assert [(o.objective, o.kind) for o in outcomes] == [
        ("name", "confirmed"), ("service", "chosen"), ("phone", "confirmed"), ("email", "declined"),
        ("visit", "confirmed")]
    walk = fold(PLUMBER, outcomes, business_open=True)
    assert walk.terminal is not None and walk.terminal.objective == "wrap_up"
    assert walk.captured["phone"] == "+61412345678" and "T09:00:00+1" in walk.captured["visit"]
    ended = of(events, "dialogue.ended")[-1]
    assert ended["reason"] == "completed" and ended["captured"] == walk.captured
    assert during_call(events)[-1].payload["reason"] == "dialogue_complete"
    assert_replays(events)
