"""A live voice worker (uvicorn on a free port) against this test's database and Temporal, plus callers."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.tenants import Tenant
from infra.db.event_store import EventStore
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from infra.settings import Settings
from voice_runtime.sim_caller import SimCaller, dial
from voice_runtime.stt.base import SpeechToText
from voice_runtime.transfer import TransferPort
from voice_runtime.tts.base import TextToSpeech
from workers.voice import VoiceRuntime, build_runtime

NUMBER = "+61298765432"
ESCALATION = "+61298765000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningVoice:
    base_url: str
    runtime: VoiceRuntime

    async def place_call(self, tts: TextToSpeech | None, *, to: str = NUMBER, caller: str = "+61400000001",
                         audio: dict[str, bytes] | None = None) -> SimCaller:
        """What Twilio does: POST the webhook, then open the <Stream> it names with its parameters."""
        return await dial(self.base_url, to, tts, caller=caller, audio=audio)



@pytest.fixture
async def tenant(engine: AsyncEngine) -> Tenant:
    now = datetime.now(UTC)
    tenant = Tenant(id=uuid.uuid4(), name="Acme Plumbing")
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
        await bind_number(conn, tenant.id, NUMBER, now, transfer_to=ESCALATION)
    return tenant


VoiceFactory = Callable[..., AbstractAsyncContextManager[RunningVoice]]


@pytest.fixture
def voice_worker(settings: Settings, engine: AsyncEngine, temporal_client: Client) -> VoiceFactory:
    """`async with voice_worker(stt, tts, transfer=..., temporal_address=..., **settings) as voice:`."""

    @asynccontextmanager
    async def run(stt: SpeechToText, tts: TextToSpeech, *, transfer: TransferPort | None = None,
                  temporal_address: str | None = None, db_engine: AsyncEngine | None = None,
                  **overrides: Any) -> AsyncIterator[RunningVoice]:
        port = free_port()
        s = settings.model_copy(update={"voice_port": port, **overrides})
        client = None if temporal_address else temporal_client
        runtime = build_runtime(s, engine=db_engine or engine, stt=stt, tts=tts, transfer=transfer,
                                temporal_client=client, temporal_address=temporal_address)
        runtime.engine = None  # the test's engine fixture disposes of it
        runtime.start()
        server = uvicorn.Server(uvicorn.Config(runtime.app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        try:
            yield RunningVoice(f"http://127.0.0.1:{port}", runtime)
        finally:
            server.should_exit = True
            await asyncio.gather(serving, return_exceptions=True)
            await runtime.stop(drain_timeout=5.0)

    return run


async def stored_events(engine: AsyncEngine, call_sid: str, *, until: str = "call.ended",
                        timeout: float = 10.0) -> list[Any]:
    """The call's stream in Postgres, once `until` has arrived."""
    store = EventStore(engine)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        events = await store.read(f"call:{call_sid}")
        if any(e.type == until for e in events) or asyncio.get_running_loop().time() > deadline:
            return events
        await asyncio.sleep(0.1)


@pytest.fixture(scope="session")
def piper() -> Any:
    """One piper voice for the session (the agent's TTS and the simulated callers' voices)."""
    from voice_runtime.tts.piper_tts import PiperTts

    tts = PiperTts()
    asyncio.run(tts.warm_up())
    yield tts
    tts.close()


@pytest.fixture(scope="session")
def pocketsphinx() -> Any:
    from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt

    stt = PocketsphinxStt(workers=1)
    yield stt
    stt.close()


FAST = {"voice_end_of_turn_silence_ms": 400, "voice_reprompt_after_seconds": 20.0, "voice_stt_final_timeout_ms": 800}
