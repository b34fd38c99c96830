"""Fixtures: a live voice worker (uvicorn on a free port) against this test's database and Temporal, a tenant, engines.

The non-fixture helpers (ports, the running worker, its stored events, fast tuning): tests/helpers/voice_worker.py.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.tenants import Tenant
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from infra.settings import Settings
from tests.helpers.net import free_port
from tests.helpers.voice_worker import ESCALATION, NUMBER, RunningVoice, VoiceFactory
from voice_runtime.routing import RouteSource
from voice_runtime.stt.base import SpeechToText
from voice_runtime.transfer import TransferPort
from voice_runtime.tts.base import TextToSpeech
from workers.voice import build_runtime


@pytest.fixture
async def tenant(engine: AsyncEngine) -> Tenant:
    now = datetime.now(UTC)
    tenant = Tenant(id=uuid.uuid4(), name="Acme Plumbing")
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
        await bind_number(conn, tenant.id, NUMBER, now, transfer_to=ESCALATION)
    return tenant


@pytest.fixture
def voice_worker(settings: Settings, engine: AsyncEngine, temporal_client: Client) -> VoiceFactory:
    """`async with voice_worker(stt, tts, transfer=..., temporal_address=..., routes=..., **settings) as voice:`."""

    @asynccontextmanager
    async def run(stt: SpeechToText, tts: TextToSpeech, *, transfer: TransferPort | None = None,
                  temporal_address: str | None = None, db_engine: AsyncEngine | None = None,
                  routes: RouteSource | None = None, **overrides: Any) -> AsyncIterator[RunningVoice]:
        port = free_port()
        s = settings.model_copy(update={"voice_port": port, **overrides})
        client = None if temporal_address else temporal_client
        runtime = build_runtime(s, engine=db_engine or engine, stt=stt, tts=tts, transfer=transfer,
                                temporal_client=client, temporal_address=temporal_address, routes=routes)
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



@pytest.fixture(scope="session")
def whisper() -> Any:
    """The embedded default STT (Whisper tiny.en), its model loaded once for the session."""
    from voice_runtime.stt.whisper_stt import WhisperStt

    stt = WhisperStt()
    asyncio.run(stt.warm_up())
    yield stt
    stt.close()
