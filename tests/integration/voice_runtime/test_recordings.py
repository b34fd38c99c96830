"""A call over the Twilio protocol is recorded as heard on the line, stored after it ends, served by the API, and
replays identical: from its events, from its caller audio heard again (`--audio`), and as a saved fixture.

The caller barges in on the greeting: the agent's leg stops where the caller stopped hearing it (the `clear`),
and the caller's speech sits in its leg where the caller said it, relative to the agent's audio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.replay import ReplayEvent
from domain.replay.fixtures import CallFixture, check_fixture
from domain.tenants import Tenant
from infra.db.tenants import create_tenant
from infra.recordings.store import FileRecordingStore
from infra.recordings.wav import caller_pcm16
from infra.settings import Settings
from tests.helpers.integrations import activate_config
from tests.helpers.recordings import customer_key, mono_samples, voiced_runs
from tests.helpers.voice_worker import FAST, VoiceFactory, stored_events
from voice_runtime.context import VoiceConfig
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Interrupt, Say, WaitForAgent
from workers.replay_audio import hear_again
from workers.replay_cli import run_replay

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LINES = ["my name is jane smith", "yes"]
TUNING = {**FAST, "voice_barge_in_min_speech_ms": 150}


def scripted() -> ScriptedStt:
    return ScriptedStt([ScriptLine(t, 300) for t in LINES])


async def recorded_call(voice_worker: VoiceFactory, piper: Any, engine: AsyncEngine) -> tuple[Any, list[Any]]:
    async with voice_worker(scripted(), piper, **TUNING) as voice:
        caller = await voice.place_call(piper)
        report = await caller.run([Interrupt(LINES[0], after=1.0), WaitForAgent(), Say(LINES[1]), WaitForAgent(),
                                   Hangup()], max_seconds=60)
        events = await stored_events(engine, caller.call_sid, until="call.recording_stored")
    return report, events


async def test_a_call_is_recorded_as_heard_served_and_replayed(
    voice_worker: VoiceFactory, tenant: Tenant, piper: Any, engine: AsyncEngine, api: httpx.AsyncClient,
    keys: Any, settings: Settings, tmp_path: Path
) -> None:
    report, events = await recorded_call(voice_worker, piper, engine)
    sid = report.call_sid
    (stored,) = [e.payload for e in events if e.type == "call.recording_stored"]
    ended = next(e.payload for e in events if e.type == "call.ended")
    data = FileRecordingStore(settings.resolved_data_dir() / "recordings").get(stored["location"])
    assert stored["location"].endswith(f"/{tenant.id}/{sid}.wav") and stored["sha256"] == hashlib.sha256(
        data).hexdigest()
    assert abs(stored["duration_ms"] - ended["duration_ms"]) < 300 and not stored["truncated"]

    agent = await api.get(f"/v1/calls/{sid}/recording", params={"leg": "agent"}, headers=keys.headers("operator"))
    assert agent.status_code == 200 and agent.headers["content-type"] == "audio/wav"
    samples, rate = mono_samples(agent.content)
    runs = voiced_runs(samples, rate)
    cut = next(e.payload for e in events if e.type == "agent.utterance.interrupted")
    heard_live = (report.clears[0] - report.agent_audio_starts[0]) * 1000
    assert abs((runs[0][1] - runs[0][0]) - heard_live) < 200, (runs, heard_live)  # cut where the caller stopped
    assert runs[0][1] - runs[0][0] < cut["generated_ms"] - 500  # not the whole greeting that was generated

    caller_wav = await api.get(f"/v1/calls/{sid}/recording", params={"leg": "caller"},
                               headers={"Authorization": f"Bearer {await customer_key(engine, tenant.id)}"})
    caller_runs = voiced_runs(*mono_samples(caller_wav.content))
    lag_live = (report.speech_started[0] - report.agent_audio_starts[0]) * 1000
    assert abs((caller_runs[0][0] - runs[0][0]) - lag_live) < 150, (caller_runs, runs, lag_live)  # time-aligned
    async with engine.begin() as conn:
        await create_tenant(conn, Tenant(id=uuid.uuid4(), name="Someone Else"), datetime.now(UTC))
        other = (await conn.execute(text("SELECT id FROM tenants WHERE name = 'Someone Else'"))).scalar_one()
    refused = await api.get(f"/v1/calls/{sid}/recording",
                            headers={"Authorization": f"Bearer {await customer_key(engine, other)}"})
    assert refused.status_code == 403
    mixed = await api.get(f"/v1/calls/{sid}/recording", headers=keys.headers("operator"))
    assert len(mixed.content) == len(agent.content)

    transcript = (await api.get(f"/v1/calls/{sid}/transcript", headers=keys.headers("operator"))).json()
    speakers = [t["speaker"] for t in transcript["turns"]]
    assert transcript["recorded"] and speakers[:3] == ["agent", "caller", "agent"]
    assert transcript["turns"][1]["text"] == LINES[0]
    assert abs(transcript["turns"][0]["offset_ms"] - runs[0][0]) < 200  # the agent's first line, where it plays

    replayed = (await api.get(f"/v1/calls/{sid}/replay", headers=keys.headers("operator"))).json()
    assert replayed["verdict"] == "identical" and replayed["divergence"] is None, replayed
    assert (await api.get(f"/v1/calls/{sid}/replay", headers=keys.headers("service"))).status_code == 403

    saved = tmp_path / "fixtures" / "barge_in.json"
    args = argparse.Namespace(call_sid=sid, config_version=None, audio=False, save=str(saved), json=True)
    code, out = await run_replay(settings, settings.database_url or "", args)
    assert code == 0 and out["saved"] == [str(saved), str(saved.with_suffix(".wav"))]
    fixture = CallFixture.model_validate(json.loads(saved.read_text()))
    assert fixture.caller_audio == "barge_in.wav" and check_fixture(fixture)[1] == []

    replay_events = [ReplayEvent(seq=e.seq, type=e.type, payload=e.payload, occurred_at=e.occurred_at)
                     for e in events]
    again = await hear_again(replay_events, fixture.graph.graph(), caller_pcm16(data), scripted(),
                             VoiceConfig.from_settings(settings.model_copy(update=TUNING)))
    assert [t.heard for t in again.turns] == [t.recorded for t in again.turns] == LINES, again.turns
    assert again.identical, again.divergence
    assert again.wall_ms < again.audio_ms  # faster than real time


async def test_a_tenant_that_records_nothing_has_no_recording(
    voice_worker: VoiceFactory, tenant: Tenant, piper: Any, engine: AsyncEngine, api: httpx.AsyncClient,
    keys: Any, settings: Settings
) -> None:
    clinic = (Path(__file__).parents[3] / "examples/tenants/northside-clinic.json").read_text()
    async with engine.begin() as conn:
        await activate_config(conn, tenant.id, clinic)  # `recording: off`
    async with voice_worker(scripted(), piper, **TUNING) as voice:
        caller = await voice.place_call(piper)
        await caller.run([WaitForAgent(), Hangup()], max_seconds=30)
        events = await stored_events(engine, caller.call_sid)
    assert not [e for e in events if e.type.startswith("call.recording")]
    response = await api.get(f"/v1/calls/{caller.call_sid}/recording", headers=keys.headers("operator"))
    assert response.status_code == 404 and response.json()["code"] == "recording_not_found"
    assert not (settings.resolved_data_dir() / "recordings").exists()
