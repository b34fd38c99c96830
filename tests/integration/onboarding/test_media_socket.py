"""The media socket trusts nothing from the caller: only a stream our webhook answered, with its signed token,
for that very call sid, once. Identity and escalation come from the server's records.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenants import Tenant
from domain.voice.stream_token import SmokeGrant, sign
from infra.db import event_store
from infra.db.event_store import EventStore
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from tests.helpers.polling import until
from tests.helpers.voice_worker import ESCALATION, NUMBER, RunningVoice, VoiceFactory, stored_events
from voice_runtime.testing import twilio_caller as tw
from voice_runtime.testing.scripted_stt import ScriptedStt
from voice_runtime.testing.sim_caller import Hangup, SimCaller, WaitForAgent

pytestmark = pytest.mark.integration
OTHER_NUMBER = "+61298765111"


async def tenants(engine: AsyncEngine) -> tuple[Tenant, Tenant]:
    now = datetime.now(UTC)
    ours, theirs = Tenant(id=uuid.uuid4(), name="Acme Plumbing"), Tenant(id=uuid.uuid4(), name="Other Co")
    async with engine.begin() as conn:
        for tenant, number, target in ((ours, NUMBER, ESCALATION), (theirs, OTHER_NUMBER, None)):
            await create_tenant(conn, tenant, now)
            await bind_number(conn, tenant.id, number, now, transfer_to=target)
    return ours, theirs


def media_url(voice: RunningVoice) -> str:
    return voice.base_url.replace("http://", "ws://") + "/twilio/media"


async def start_raw(voice: RunningVoice, call_sid: str, params: dict[str, str]) -> int | None:
    """Open the socket as Twilio would and send `start`; the close code the worker answers with (None: kept open)."""
    async with websockets.connect(media_url(voice)) as ws:
        await ws.send(tw.caller_connected())
        await ws.send(tw.caller_start("MZ" + uuid.uuid4().hex, call_sid, params))
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 5)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return None


async def refusals(engine: AsyncEngine, count: int) -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        stored = await EventStore(engine).read("security:refusals")
        return [e.payload for e in stored if e.type == "voice.stream_refused"]
    return await until(read, accept=lambda found: len(found) >= count, timeout=10)


async def test_a_start_straight_to_the_socket_is_refused_recorded_and_counted(
    voice_worker: VoiceFactory, engine: AsyncEngine, piper
) -> None:
    ours, _ = await tenants(engine)
    async with voice_worker(ScriptedStt([]), piper) as voice:
        forged = {"tenant_id": str(ours.id), "business_name": "Acme Plumbing", "transfer_to": "+61400000666"}
        assert await start_raw(voice, "CAforged", forged) == 1008
        assert await start_raw(voice, "CAtampered", {"token": "e30.bm90LWl0"}) == 1008
        metrics = (await httpx.AsyncClient().get(voice.base_url + "/metrics")).text
        assert 'revos_voice_stream_refusals_total{reason="missing"} 1.0' in metrics
        assert 'revos_voice_stream_refusals_total{reason="bad_signature"} 1.0' in metrics
    found = await refusals(engine, 2)
    assert [(f["reason"], f["call_sid"]) for f in found] == [("missing", "CAforged"), ("bad_signature", "CAtampered")]
    assert await EventStore(engine).read("call:CAforged") == []  # no call, no events in the tenant's name


async def test_the_tenant_comes_from_the_token_not_from_the_stream_parameters(
    voice_worker: VoiceFactory, engine: AsyncEngine, piper
) -> None:
    ours, theirs = await tenants(engine)
    async with voice_worker(ScriptedStt([]), piper) as voice:
        caller = await voice.place_call(None)
        caller.params.update(tenant_id=str(theirs.id), business_name="Other Co", transfer_to="+61400000666")
        report = await caller.run([WaitForAgent(), Hangup()], max_seconds=30)
        events = await stored_events(engine, caller.call_sid)
    assert report.agent_frames > 0
    started = events[0].payload
    assert started["tenant_id"] == str(ours.id) and started["called"] == NUMBER
    assert started["config_version"] is None and not started["smoke"]
    async with engine.connect() as conn:
        assert await event_store.stream_tenant(conn, f"call:{caller.call_sid}") == ours.id  # scoped to ours


async def test_a_token_works_once_and_only_for_its_own_call_sid(
    voice_worker: VoiceFactory, engine: AsyncEngine, piper
) -> None:
    await tenants(engine)
    async with voice_worker(ScriptedStt([]), piper) as voice:
        caller = await voice.place_call(None)
        assert await start_raw(voice, "CA" + uuid.uuid4().hex, caller.params) == 1008  # replayed elsewhere
        first = SimCaller(caller.url, None, params=caller.params, call_sid=caller.call_sid)
        assert (await first.run([WaitForAgent(), Hangup()], max_seconds=30)).agent_frames > 0
        assert await start_raw(voice, caller.call_sid, caller.params) == 1008  # the same call again
    reasons = [f["reason"] for f in await refusals(engine, 2)]
    assert reasons == ["call_sid_mismatch", "replayed"]


async def test_a_smoke_grant_needs_the_server_secret(voice_worker: VoiceFactory, engine: AsyncEngine, piper) -> None:
    ours, theirs = await tenants(engine)
    form = {"CallSid": "CA" + uuid.uuid4().hex, "From": "+61400000001", "To": NUMBER}
    forged = sign(SmokeGrant(tenant_id=str(ours.id), config_version=1, business="closed", expires_at=2e9,
                             nonce="n1"), b"not-the-secret")
    misdirected = sign(SmokeGrant(tenant_id=str(theirs.id), config_version=1, business="closed", expires_at=2e9,
                                  nonce="n2"), b"tests-stream-secret")
    async with voice_worker(ScriptedStt([]), piper) as voice, httpx.AsyncClient(base_url=voice.base_url) as client:
        for grant in (forged, misdirected):
            refused = await client.post("/twilio/voice", data=form, headers={"X-Revos-Smoke": grant})
            assert refused.status_code == 403 and refused.json()["code"] == "stream_token_refused"
    assert [f["reason"] for f in await refusals(engine, 2)] == ["bad_signature", "grant_tenant_mismatch"]
