"""The whole call loop over a real WebSocket: webhook -> Media Streams -> pipeline -> paced audio -> events.

STT here is ScriptedStt (the words come from a script, released by real voiced audio); the caller's
voice and the agent's are real piper audio. Real recognition is in test_e2e_audio.py.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.tenants import Tenant
from domain.voice.messages import CallSummary, Captured, call_workflow_id
from infra.settings import Settings
from tests.helpers.voice_worker import FAST, VoiceFactory, during_call, stored_events
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Say, Step, WaitForAgent
from workers.voice import voice_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LINES = ["my name is jane smith", "yes", "zero four one two three four five six seven eight",
         "no the last digit is nine", "yes", "yes"]


async def test_scripted_call_captures_corrected_number_and_signals_workflow(
    voice_worker: VoiceFactory, worker, tenant: Tenant, piper, engine: AsyncEngine, temporal_client: Client,
    settings: Settings,
) -> None:
    stt = ScriptedStt([ScriptLine(t, 300) for t in LINES])
    script: list[Step] = [WaitForAgent()]
    for line in LINES:
        script += [Say(line), WaitForAgent()]
    async with worker(voice_bundle), voice_worker(stt, piper, **FAST) as voice:
        caller = await voice.place_call(piper)
        report = await caller.run(script, max_seconds=90)
        events = await stored_events(engine, caller.call_sid)
        handle = temporal_client.get_workflow_handle(call_workflow_id(caller.call_sid))
        summary = CallSummary.model_validate(await handle.result())
        async with httpx.AsyncClient(base_url=voice.base_url) as client:
            metrics = (await client.get("/metrics")).text
    for name in ("voice_to_voice_seconds", "stt_final_delay_seconds", "tts_ttfb_seconds",
                 "frame_processing_seconds"):
        count = next(line for line in metrics.splitlines() if line.startswith(f"revos_voice_{name}_count"))
        assert float(count.split()[-1]) > 0, name
    assert "revos_voice_late_frames_total" in metrics and "revos_voice_barge_in_reaction_seconds_count" in metrics
    assert report.closed_by_agent and not report.timed_out, report
    types = [e.type for e in during_call(events)]
    assert types[0] == "call.started" and types[-1] == "call.ended"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.payload["call_seq"] for e in events] == list(range(1, len(events) + 1))
    confirmed = [e.payload for e in events if e.type == "capture.confirmed"]
    assert [(c["kind"], c["value"]) for c in confirmed] == [("name", "Jane Smith"), ("phone", "+61412345679")]
    assert during_call(events)[-1].payload["reason"] == "dialogue_complete"
    started = [e.payload for e in events if e.type == "agent.utterance.started"]
    assert len(started) == 7 and all(s["voice_to_voice_ms"] is not None for s in started[1:])
    assert summary.complete and summary.captured == {"name": Captured(kind="name", value="Jane Smith"),
                                                     "phone": Captured(kind="phone", value="+61412345679")}
    assert summary.events == len(during_call(events)) and summary.end_reason == "dialogue_complete"
