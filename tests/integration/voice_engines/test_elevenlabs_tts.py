"""ElevenLabsTts (official SDK) against a local server speaking ElevenLabs' streaming TTS API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.integration.voice_engines.fake_elevenlabs import FakeElevenLabs, expected_audio
from voice_runtime.engines.errors import SpeechEngineAuthError, SpeechEngineError
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.tts.elevenlabs_tts import ElevenLabsTts

TEXT = "G'day, thanks for calling. Can I grab your name?"


@pytest.fixture
async def server() -> AsyncIterator[FakeElevenLabs]:
    fake = FakeElevenLabs()
    await fake.start()
    yield fake
    await fake.stop()


def _tts(fake: FakeElevenLabs, **kwargs: object) -> ElevenLabsTts:
    options: dict[str, object] = {"url": fake.url, "voice_id": "voice-1", "retry_delay_s": 0.01, "chunk_bytes": 256}
    options.update(kwargs)
    return ElevenLabsTts(str(options.pop("api_key", "test-key")), **options)  # type: ignore[arg-type]


async def _play(tts: TextToSpeech, text: str = TEXT) -> list[bytes]:
    return [chunk async for chunk in tts.synthesize(text)]


async def test_streams_mulaw_8k_as_the_provider_sends_it(server: FakeElevenLabs) -> None:
    server.chunk_delay_s = 0.01
    tts: TextToSpeech = _tts(server)
    started = time.perf_counter()
    first_at = None
    chunks = []
    async for chunk in tts.synthesize(TEXT):
        first_at = first_at or time.perf_counter() - started
        chunks.append(chunk)
    total = time.perf_counter() - started
    assert b"".join(chunks) == expected_audio(TEXT, seed=1)
    assert len(chunks) > 5 and first_at is not None and first_at < total / 3  # streamed, not buffered
    (request,) = server.requests
    assert request.voice_id == "voice-1" and request.query["output_format"] == "ulaw_8000"
    assert request.api_key == "test-key"
    assert request.body["text"] == TEXT and request.body["model_id"] == "eleven_flash_v2_5"
    assert request.outcome == "completed"


@pytest.mark.parametrize("drop_after", [0, 800, 3200])
async def test_a_dropped_stream_resumes_without_repeat_or_gap(server: FakeElevenLabs, drop_after: int) -> None:
    server.drop_after_bytes = drop_after
    audio = b"".join(await _play(_tts(server)))
    assert audio == expected_audio(TEXT, seed=1)
    assert [r.outcome for r in server.requests] == ["dropped", "completed"]


async def test_a_rate_limit_is_retried(server: FakeElevenLabs) -> None:
    server.fail_first_with = 429
    assert b"".join(await _play(_tts(server))) == expected_audio(TEXT, seed=1)
    assert [r.outcome for r in server.requests] == ["error 429", "completed"]


async def test_a_rejected_key_is_a_clear_auth_error_and_not_retried(server: FakeElevenLabs) -> None:
    with pytest.raises(SpeechEngineAuthError, match="API key rejected \\(HTTP 401\\): Invalid API key") as info:
        await _play(_tts(server, api_key="wrong"))
    assert info.value.status == 401
    assert len(server.requests) == 1


async def test_an_unknown_voice_is_reported_not_retried(server: FakeElevenLabs) -> None:
    with pytest.raises(SpeechEngineError, match="HTTP 404.*was not found"):
        await _play(_tts(server, voice_id="nobody"))
    assert len(server.requests) == 1


async def test_cancelling_mid_utterance_closes_the_stream_at_the_provider(server: FakeElevenLabs) -> None:
    server.chunk_delay_s = 0.02
    stream = _tts(server).synthesize(TEXT * 4)
    assert await anext(stream)
    await stream.aclose()  # type: ignore[attr-defined]
    for _ in range(50):
        if server.requests[0].outcome != "pending":
            break
        await asyncio.sleep(0.02)
    (request,) = server.requests
    assert request.outcome == "client_disconnected"
    assert request.bytes_sent < len(expected_audio(TEXT * 4, seed=1)) / 2


async def test_gives_up_after_the_retry_budget(server: FakeElevenLabs) -> None:
    tts = _tts(server, max_retries=2)
    await server.stop()
    with pytest.raises(SpeechEngineError, match="giving up after 3 failed attempts"):
        await _play(tts)


async def test_blank_text_is_no_audio_and_no_request(server: FakeElevenLabs) -> None:
    assert await _play(_tts(server), "  ") == []
    assert server.requests == []
