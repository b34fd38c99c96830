"""Isolation, proven: real calls through the voice worker while the webhook receiver hangs for 30 s, answers 500 and
refuses connections. Every call completes, voice-to-voice stays within 10% of a healthy run, the deliveries retry
and park, and once the receiver is back a redrive delivers each one, applied exactly once per idempotency key.

Scripted STT (its words come from a script, released by the caller's real voiced audio) and prerendered TTS keep
the turn timing deterministic, so the comparison measures the loop, not the engines.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.tenants import Tenant
from infra.db.tenant_secrets import store_secret
from infra.db.voice_numbers import bind_number
from infra.secrets_box import SecretBox, new_key
from infra.settings import Settings
from tests.helpers.integrations import activate_config, deliveries_of, follow_up_of, running_voice, settled
from tests.helpers.receivers import WebhookReceiver
from tests.helpers.voice_worker import ESCALATION, NUMBER, RunningVoice, during_call, stored_events
from voice_runtime.testing.prerendered_tts import PrerenderedTts
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Say, Step, WaitForAgent
from workers.bundle import WorkerDeps
from workers.integrations import integrations_bundle
from workers.voice import voice_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]
LINES = ["my name is jane smith", "yes", "zero four one two three four five six seven eight", "yes", "yes"]
SECRET = "whsec_" + uuid.uuid4().hex
DOCUMENT = """
business:
  name: Acme Plumbing
  timezone: Australia/Sydney
  hours:
    mon: ["00:00-24:00"]
    tue: ["00:00-24:00"]
    wed: ["00:00-24:00"]
    thu: ["00:00-24:00"]
    fri: ["00:00-24:00"]
    sat: ["00:00-24:00"]
    sun: ["00:00-24:00"]
numbers: ["+61298765432"]
objectives:
  - {id: name, type: capture_name}
  - {id: phone, type: capture_phone}
  - {id: wrap_up, type: end}
integrations:
  - {id: crm, type: webhook, url: "%s", secret: crm_signing, on: [call.ended]}
"""


@pytest.fixture(scope="module")
def voices() -> Iterator[tuple[Any, PrerenderedTts]]:
    from voice_runtime.tts.piper_tts import PiperTts

    piper = PiperTts(noise=(0.0, 0.0))
    yield piper, PrerenderedTts(piper)
    piper.close()


def _bundle(settings: Settings) -> Any:
    def make(deps: WorkerDeps) -> Any:
        return integrations_bundle(WorkerDeps(settings=settings, engine=deps.engine, client=deps.client))
    return make


async def _call(voice: RunningVoice, caller_voice: Any, engine: AsyncEngine) -> tuple[str, list[float]]:
    """One scripted call to the end; its voice-to-voice figures (ms) from its stored events."""
    caller = await voice.place_call(caller_voice)
    script: list[Step] = [WaitForAgent()]
    for line in LINES:
        script += [Say(line), WaitForAgent()]
    report = await caller.run(script, max_seconds=90)
    events = await stored_events(engine, caller.call_sid, timeout=20)
    assert report.closed_by_agent and not report.timed_out, report
    assert [e.type for e in during_call(events)][-2:] == ["call.usage", "call.ended"]
    assert during_call(events)[-1].payload["reason"] == "dialogue_complete"
    figures = [float(e.payload["voice_to_voice_ms"]) for e in events
               if e.type == "agent.utterance.started" and e.payload.get("voice_to_voice_ms") is not None]
    return caller.call_sid, figures


async def test_failing_integrations_never_touch_the_calls(worker: Any, engine: AsyncEngine, settings: Settings,
                                                          tenant: Tenant, temporal_client: Client,
                                                          api: httpx.AsyncClient, keys: Any,
                                                          voices: tuple[Any, PrerenderedTts]) -> None:
    piper, agent_tts = voices
    key = new_key()
    s = settings.model_copy(update={"secrets_key": SecretStr(key), "webhook_timeout_seconds": 2.0,
                                    "delivery_initial_backoff_seconds": 1.5, "delivery_backoff_max_seconds": 3.0,
                                    "delivery_max_attempts": 3})
    receiver = WebhookReceiver(SECRET, hang_seconds=30)
    await receiver.start()
    async with engine.begin() as conn:
        await activate_config(conn, tenant.id, DOCUMENT % receiver.url)
        await store_secret(conn, SecretBox(key), tenant.id, "crm_signing", SECRET, datetime.now(UTC))
        await bind_number(conn, tenant.id, NUMBER, datetime.now(UTC), transfer_to=ESCALATION)
    stt = ScriptedStt([ScriptLine(t, 300) for t in LINES])
    sids: dict[str, str] = {}
    try:
        async with worker(voice_bundle, _bundle(s)), running_voice(s, engine, temporal_client, stt, agent_tts) as voice:
            sids["warm_up"], _ = await _call(voice, piper, engine)  # renders the agent's prompts once
            sids["healthy"], healthy = await _call(voice, piper, engine)
            for sid in (sids["warm_up"], sids["healthy"]):
                await settled(engine, sid, 1, timeout=60, statuses=frozenset({"delivered"}))
            # A call's deliveries start when it ends, so each failing mode meets the next call in progress.
            receiver.mode = "hang"
            sids["hang"], during_hang = await _call(voice, piper, engine)
            sids["error"], during_error = await _call(voice, piper, engine)
            receiver.mode = "error"
            sids["refused"], during_refused = await _call(voice, piper, engine)
            await receiver.stop()
            failing = during_hang + during_error + during_refused
            parked = [(await settled(engine, sids[m], 1, timeout=90))[("crm", "call.ended")]
                      for m in ("hang", "error", "refused")]
            receiver.mode = "ok"
            await receiver.start()
            for delivery in parked:
                response = await api.post(f"/v1/deliveries/{delivery['id']}/redrive", headers=keys.headers("operator"))
                assert response.status_code == 200, response.text
            for mode in ("hang", "error", "refused"):
                await settled(engine, sids[mode], 1, timeout=60, statuses=frozenset({"delivered"}))
            costs = [await follow_up_of(temporal_client, sid) for sid in sids.values()]
    finally:
        await receiver.stop()
    assert [(d["status"], d["attempts"]) for d in parked] == [("dead", 3)] * 3
    hang, error, refused = (d["last_error"] for d in parked)
    assert "timed out" in hang and "HTTP 500" in error and "Connect" in refused, parked
    assert [s.mode for s in receiver.seen if s.key == parked[0]["id"]][:3] == ["hang"] * 3
    every = {d["id"] for sid in sids.values() for d in (await deliveries_of(engine, sid)).values()}
    assert len(every) == 5 and set(receiver.applied) == every and set(receiver.applied.values()) == {1}
    assert all(c.cost_lines == 3 for c in costs)
    ratio = statistics.median(failing) / statistics.median(healthy)
    print(f"voice-to-voice median: healthy {statistics.median(healthy):.0f} ms {healthy}, failing receiver "
          f"{statistics.median(failing):.0f} ms {failing} (ratio {ratio:.3f})")
    assert 0.9 <= ratio <= 1.1, (healthy, failing)
