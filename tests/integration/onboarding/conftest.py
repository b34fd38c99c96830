"""Onboarding tests' fixtures: settings with webhook hosts unchecked (the examples name hosts that do not resolve
here; one test builds its own app to check them), and a live voice worker like the voice runtime tests'.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from infra.secrets_box import new_key
from infra.settings import Settings
from tests.helpers.net import free_port
from tests.helpers.voice_worker import RunningVoice, VoiceFactory
from voice_runtime.stt.base import SpeechToText
from voice_runtime.transfer import TransferPort
from voice_runtime.tts.base import TextToSpeech
from workers.voice import build_runtime


@pytest.fixture
def voice_port() -> int:
    return free_port()


@pytest.fixture
def settings(db_url: str, task_queue: str, voice_port: int) -> Settings:
    """This test's database and queues; the smoke stage dials this test's voice worker."""
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", webhook_allow_private_hosts=True,
                    voice_stream_secret=SecretStr("tests-stream-secret"), secrets_key=SecretStr(new_key()),
                    voice_port=voice_port,
                    onboarding_voice_url=f"http://127.0.0.1:{voice_port}", onboarding_smoke_concurrency=2,
                    onboarding_stress_personas="none")  # the stress gate has its own tests (tests/integration/stress)


@pytest.fixture
def voice_worker(settings: Settings, engine: AsyncEngine, temporal_client: Client) -> VoiceFactory:
    """`async with voice_worker(stt, tts, transfer=..., smoke_transfer=..., **settings) as voice:` on the test's
    database and its `voice_port` (where the smoke stage dials)."""

    @asynccontextmanager
    async def run(stt: SpeechToText, tts: TextToSpeech, *, transfer: TransferPort | None = None,
                  smoke_transfer: TransferPort | None = None, **overrides: Any) -> AsyncIterator[RunningVoice]:
        s = settings.model_copy(update=overrides)
        port = s.voice_port
        runtime = build_runtime(s, engine=engine, stt=stt, tts=tts, transfer=transfer, temporal_client=temporal_client,
                                smoke_transfer=smoke_transfer)
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
    """One piper voice for the session (the agent's TTS)."""
    from voice_runtime.tts.piper_tts import PiperTts

    tts = PiperTts()
    asyncio.run(tts.warm_up())
    yield tts
    tts.close()


@pytest.fixture(scope="session")
def caller_voice() -> Any:
    """The simulated callers' voice: piper without its noise, so the same words are the same audio."""
    from voice_runtime.tts.piper_tts import PiperTts

    tts = PiperTts(noise=(0.0, 0.0))
    asyncio.run(tts.warm_up())
    yield tts
    tts.close()


@pytest.fixture(scope="session")
def pocketsphinx() -> Any:
    from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt

    stt = PocketsphinxStt(workers=1)
    yield stt
    stt.close()
