"""Browser calls without a browser: an aiortc peer calls `POST /webrtc/offer` and the call behaves as a phone call.

The caller's voice and the agent's are real piper audio, Opus-coded both ways over loopback ICE; the words come
from ScriptedStt (released by voiced audio), so these tests are about the transport: barge-in, keys over the data
channel, transfers, events, and the token being the only door.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenants import Tenant
from tests.helpers import polling
from tests.helpers.integrations import EXAMPLES, activate_config
from tests.helpers.voice_worker import ESCALATION, FAST, NUMBER, VoiceFactory, stored_events
from tests.helpers.webrtc import LOOPBACK, call_token
from voice_runtime.codec import mulaw_to_pcm16, pcm16_rms
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Interrupt, Pause, Press, Say, Step, WaitForAgent
from voice_runtime.testing.webrtc_caller import WebRtcCaller
from voice_runtime.transfer import LocalTransfer
from voice_runtime.webrtc.bridge import WebRtcTwilioTransfer

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def scripted(*lines: str) -> ScriptedStt:
    return ScriptedStt([ScriptLine(t, 300) for t in lines])


def of(events: list[Any], type_: str) -> list[dict[str, Any]]:
    return [e.payload for e in events if e.type == type_]


async def test_call_started_says_webrtc_and_the_tenant_comes_from_the_token(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with voice_worker(scripted("my name is jane smith"), piper, **FAST, **LOOPBACK) as v:
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        report = await caller.run([WaitForAgent(), Say("my name is jane smith"), WaitForAgent(), Hangup()])
        events = await stored_events(engine, sid)
    (started,) = of(events, "call.started")
    assert started["transport"] == "webrtc" and started["tenant_id"] == str(tenant.id)
    assert started["call_sid"] == sid == caller.call_sid and started["caller"] == "operator:tests"
    assert started["config_version"] is None and started["business_open"] is True
    texts = [p["text"] for p in of(events, "agent.utterance.started")]
    assert texts[0].startswith("Thanks for calling Acme Plumbing")
    assert texts[1].startswith("Just to confirm, that's Jane Smith")
    assert not report.timed_out and len(report.voice_to_voice()) >= 1
    assert events[-1].type == "call.ended" and events[-1].payload["reason"] == "caller_hangup"


async def test_a_browser_call_runs_the_tenants_active_version_pinned_as_a_phone_call_does(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        config_hash = await activate_config(conn, tenant.id, (EXAMPLES / "bright-spark-electrical.yaml").read_text())
    async with voice_worker(scripted(), piper, **FAST, **LOOPBACK) as v:
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        await caller.run([WaitForAgent(), Hangup()])
        events = await stored_events(engine, sid)
    (started,) = of(events, "call.started")
    assert (started["transport"], started["config_version"], started["config_hash"]) == ("webrtc", 1, config_hash)
    assert started["called"] == NUMBER and not started["smoke"]
    assert "Bright Spark Electrical" in of(events, "agent.utterance.started")[0]["text"]
    assert of(events, "objective.started")[0]["objective"] == "job"
    (usage,) = of(events, "call.usage")
    assert usage["tts_characters"] > 0


async def test_barge_in_stops_the_agent_and_records_what_was_heard(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with voice_worker(scripted("my name is jane smith"), piper, **FAST, **LOOPBACK,
                            voice_barge_in_min_speech_ms=150) as v:
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        report = await caller.run([Interrupt("my name is jane smith", after=1.0), WaitForAgent(), Hangup()])
        events = await stored_events(engine, sid)
    (barge,) = of(events, "barge_in")
    (cut,) = of(events, "agent.utterance.interrupted")
    assert cut["utterance_id"] == 1 and 600 <= cut["heard_ms"] < cut["generated_ms"]
    assert cut["heard_text"] and "name" not in cut["heard_text"]  # the question was never heard
    assert barge["reaction_ms"] < 1000
    reactions = caller.barge_in_reactions()
    assert reactions and reactions[0] < 1.0, (caller.agent_stops, report.speech_started)  # heard to stop at once
    texts = [p["text"] for p in of(events, "agent.utterance.started")]
    assert texts[1].startswith("Just to confirm, that's Jane Smith")


async def test_phone_number_by_keys_on_the_data_channel(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    script: list[Step] = [WaitForAgent(), Say("my name is jane smith"), WaitForAgent(), Say("yes"), WaitForAgent(),
                          Press("0412345678#"), WaitForAgent(), Say("yes"), WaitForAgent(), Say("yes"),
                          WaitForAgent()]
    async with voice_worker(scripted("my name is jane smith", "yes", "yes", "yes"), piper, **FAST, **LOOPBACK) as v:
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        report = await caller.run(script)
        events = await stored_events(engine, sid)
    assert report.closed_by_agent and not report.timed_out and caller.ended_reason == "dialogue_complete"
    assert "".join(p["digit"] for p in of(events, "dtmf")) == "0412345678#"
    assert [p["dtmf"] for p in of(events, "turn.ended")][2] == "0412345678"
    confirmed = {p["kind"]: p["value"] for p in of(events, "capture.confirmed")}
    assert confirmed == {"name": "Jane Smith", "phone": "+61412345678"}
    assert events[-1].payload["reason"] == "dialogue_complete"


async def test_transfer_to_the_escalation_number_ends_our_side(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    transfer = LocalTransfer()
    async with voice_worker(scripted("can i speak to a real person"), piper, transfer=transfer, **FAST,
                            **LOOPBACK) as v:
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        report = await caller.run([WaitForAgent(), Say("can i speak to a real person"), Pause(15)])
        events = await stored_events(engine, sid)
    assert report.closed_by_agent and caller.ended_reason == "transferred"
    assert transfer.requests[0][:2] == (sid, ESCALATION)
    assert of(events, "transfer.completed")[0]["to"] == ESCALATION
    assert events[-1].payload["reason"] == "transferred"


async def test_only_a_valid_unused_token_for_a_known_tenant_opens_a_call(
    voice_worker: VoiceFactory, tenant: Tenant, piper
) -> None:
    async with voice_worker(scripted(), piper, **FAST, **LOOPBACK) as v, httpx.AsyncClient(timeout=20) as client:
        sdp = await _an_offer()

        async def offer(token: str | None) -> httpx.Response:
            return await client.post(v.base_url + "/webrtc/offer", json={"type": "offer", "sdp": sdp, "token": token})

        good, _ = call_token(tenant.id)
        refusals = {
            "missing": None,
            "bad_signature": call_token(tenant.id, secret="another secret")[0],
            "expired": call_token(tenant.id, ttl=-1)[0],
            "unknown_tenant": call_token("5f0c0e46-0000-4000-8000-000000000000")[0],
        }
        for reason, token in refusals.items():
            response = await offer(token)
            assert response.status_code == 403 and response.json()["reason"] == reason, response.text
        assert (await offer(call_token(tenant.id, config_version=7)[0])).status_code == 409
        first = await offer(good)
        assert first.status_code == 200 and first.json()["type"] == "answer"
        again = await offer(good)
        assert again.status_code == 403 and again.json()["reason"] == "used"
        bad = await client.post(v.base_url + "/webrtc/offer", json={"type": "answer", "sdp": sdp})
        assert bad.status_code == 400
        preflight = await client.options(v.base_url + "/webrtc/offer")
        assert preflight.headers["access-control-allow-origin"] == "*"
        metrics = (await client.get(v.base_url + "/metrics")).text
        assert 'revos_voice_webrtc_refusals_total{reason="used"} 1.0' in metrics


async def _an_offer() -> str:
    from aiortc import RTCConfiguration, RTCPeerConnection

    from voice_runtime.testing.sim_caller import CallerReport
    from voice_runtime.testing.webrtc_caller import Microphone

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(Microphone(CallerReport("")))
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


class FakeTwilioCalls(BaseHTTPRequestHandler):
    """Twilio's REST API as far as `calls.create` goes: records each request, answers like Twilio."""

    created: list[dict[str, list[str]]] = []

    def do_POST(self) -> None:  # noqa: N802
        FakeTwilioCalls.created.append(parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        data = json.dumps({"sid": "CA" + "1" * 32, "account_sid": ACCOUNT, "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


ACCOUNT = "AC" + "0" * 32


@pytest.fixture
def twilio_rest() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeTwilioCalls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilioCalls.created.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def target_leg(voice: bytes, heard: list[bytes], closed: asyncio.Event) -> None:
    """The transfer target's phone, as Twilio streams it: wait to be dialled, then talk and listen."""
    from voice_runtime.testing import twilio_caller as tw

    async def dialled() -> list[dict[str, list[str]]]:
        return list(FakeTwilioCalls.created)

    created = await polling.until(dialled, timeout=30)
    stream = ET.fromstring(created[0]["Twiml"][0]).find("./Connect/Stream")
    assert stream is not None
    token = stream.find("Parameter").attrib["value"]  # type: ignore[union-attr]
    async with websockets.connect(stream.attrib["url"]) as ws:
        await ws.send(tw.caller_connected())
        await ws.send(tw.caller_start("MZtarget", "CAtarget", {"token": token}))

        async def listen() -> None:
            async for raw in ws:
                message = tw.parse_outbound(raw)
                if message.event == "media":
                    heard.append(message.payload)

        listener = asyncio.create_task(listen())
        for i in range(0, len(voice) - 160, 160):
            await ws.send(tw.caller_media("MZtarget", voice[i:i + 160], i // 160, i // 8, i // 160 + 2))
            await asyncio.sleep(0.02)
        with contextlib.suppress(websockets.ConnectionClosed, TimeoutError):
            await asyncio.wait_for(listener, 15)
    closed.set()


async def test_transfer_through_twilio_bridges_the_browser_to_the_target_phone(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine, twilio_rest: str
) -> None:
    bob = b"".join([c async for c in piper.synthesize("Hi, this is Bob from Acme Plumbing. How can I help you today?")])
    heard: list[bytes] = []
    closed = asyncio.Event()
    async with voice_worker(scripted("can i speak to a real person"), piper, **FAST, **LOOPBACK) as v:
        gate = v.runtime.webrtc
        assert gate is not None
        gate.transfer = WebRtcTwilioTransfer(ACCOUNT, "auth", secret=gate.secret, base_url=twilio_rest,
                                             bridge_url=v.base_url.replace("http", "ws") + "/webrtc/bridge",
                                             number_of=gate.number_of)
        gate.bridges = True
        token, sid = call_token(tenant.id)
        caller = WebRtcCaller(v.base_url + "/webrtc/offer", token, piper)
        phone = asyncio.create_task(target_leg(bob, heard, closed))
        report = await caller.run([WaitForAgent(), Say("can i speak to a real person"), Pause(6),
                                   Say("hello bob, my tap is leaking"), Pause(1.5), Hangup()])
        await asyncio.wait([phone], timeout=10)  # the browser hung up: the target's leg is ended
        assert closed.is_set(), (phone.exception() if phone.done() else phone, len(heard))
        await phone
        events = await stored_events(engine, sid)
    (create,) = FakeTwilioCalls.created
    assert create["To"] == [ESCALATION] and create["From"] == [NUMBER]
    assert "/webrtc/bridge" in create["Twiml"][0]
    assert of(events, "transfer.completed")[0]["to"] == ESCALATION
    assert events[-1].type == "call.ended" and events[-1].payload["reason"] == "transferred"
    spoken = [f for f in heard if pcm16_rms(mulaw_to_pcm16(f)) > 300]
    assert len(spoken) > 25, f"the target heard {len(spoken)} frames of the caller"  # "hello bob..." is > 1 s
    put_through = of(events, "agent.utterance.finished")[-1]["duration_ms"] // 20
    after_asking = [t for t in report.agent_frame_times if t > report.speech_ended[0]]
    assert len(after_asking) > put_through + 0.6 * len(bob) / 160, "the browser caller heard the target"
    assert not report.closed_by_agent  # the browser stayed on the line with the target until it hung up
