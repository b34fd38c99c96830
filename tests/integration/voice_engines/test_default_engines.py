"""The voice worker's embedded default: Whisper tiny.en and Silero, loaded before the first call, one model shared
by every call.

Loading the model holds the GIL for ~0.3 s (CTranslate2 and the tokenizer), so `revos voice` warms up before it
serves (workers/voice.py `run`); what must never block the loop is a call: its session, its VADs, its decodes.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from infra.settings import Settings
from tests.integration.voice_engines.loop_lag import LoopLag
from voice_runtime.engines.factory import CALL_VAD_RATE
from voice_runtime.routing import StaticRoutes
from voice_runtime.silero_vad import POOL, SileroVad
from voice_runtime.stt.whisper_model import MODELS
from voice_runtime.stt.whisper_stt import WhisperStt
from workers.voice import build_runtime

pytestmark = pytest.mark.slow


async def test_after_warm_up_a_call_loads_nothing_and_never_blocks_the_loop() -> None:
    settings = Settings(_env_file=None, database_url=None, temporal_address="127.0.0.1:9",  # type: ignore[call-arg]
                        vad_warm_models=3, voice_stream_secret=SecretStr("s" * 32))
    runtime = build_runtime(settings, routes=StaticRoutes({}))  # no database: an empty routing table
    stt = runtime.deps.stt
    assert isinstance(stt, WhisperStt)
    try:
        await runtime.warm_up()
        idle, loads, vad_loads = len(POOL._idle[CALL_VAD_RATE]), MODELS.loads, POOL.loaded
        assert idle >= 3
        async with LoopLag() as lag:
            vads = [runtime.deps.vad_factory(runtime.deps.config) for _ in range(3)]  # three calls start
            sessions = [await stt.open(hints=[]) for _ in range(2)]
            assert await stt.transcribe(bytes(32000)) == ""
        assert lag.max_ms < 100
        assert all(isinstance(v, SileroVad) and v.sample_rate == CALL_VAD_RATE for v in vads)
        assert len(POOL._idle[CALL_VAD_RATE]) == idle - 3 and POOL.loaded == vad_loads  # warm models, none loaded
        for session in sessions:
            await session.close()
        for vad in vads:
            vad.close()
        assert len(POOL._idle[CALL_VAD_RATE]) == idle
        other = WhisperStt()
        await other.warm_up()
        assert other.model() is stt.model() and MODELS.loads == loads  # one model for the process
        other.close()
    finally:
        stt.close()  # type: ignore[attr-defined]
        await runtime.stop()
