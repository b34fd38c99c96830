"""DeepgramStt (official SDK) against a local server speaking Deepgram's live protocol."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest

from tests.helpers.voice_audio import silence, voiced
from tests.integration.voice_engines.fake_deepgram import FakeDeepgram
from voice_runtime.engines.errors import SpeechEngineAuthError, SpeechEngineError
from voice_runtime.stt.base import Transcript
from voice_runtime.stt.deepgram_stt import DeepgramStream, DeepgramStt

FRAME = 640  # 20 ms at 16 kHz


@pytest.fixture
async def server() -> AsyncIterator[FakeDeepgram]:
    fake = FakeDeepgram(["my name is jane citizen", "zero four one two"])
    await fake.start()
    yield fake
    await fake.stop()


def _engine(fake: FakeDeepgram, **kwargs: object) -> DeepgramStt:
    options: dict[str, object] = {"url": fake.url, "reconnect_delay_s": 0.05, "finalize_timeout_s": 1.0}
    options.update(kwargs)
    return DeepgramStt(str(options.pop("api_key", "test-key")), **options)  # type: ignore[arg-type]


async def _send(stream: DeepgramStream, audio: np.ndarray, pace_s: float = 0.0) -> None:
    data = audio.tobytes()
    for i in range(0, len(data), FRAME):
        await stream.send(data[i : i + FRAME])
        if pace_s:
            await asyncio.sleep(pace_s)


async def _collect(stream: DeepgramStream, finals: int, timeout: float = 5.0) -> list[Transcript]:
    out: list[Transcript] = []

    async def run() -> None:
        async for t in stream.results():
            out.append(t)
            if sum(x.is_final for x in out) >= finals:
                return

    await asyncio.wait_for(run(), timeout)
    return out


def _utterance(seconds: float, seed: int = 0) -> np.ndarray:
    return np.concatenate([silence(0.3), voiced(seconds, seed=seed), silence(0.6)])


async def test_interims_then_one_final_per_utterance_and_the_framing(server: FakeDeepgram) -> None:
    stream = await _engine(server).open(hints=["zero", "oh", "double"])
    await _send(stream, np.concatenate([_utterance(1.0), _utterance(0.9, seed=2)]))
    results = await _collect(stream, finals=2)
    finals = [t for t in results if t.is_final]
    assert [t.text for t in finals] == ["my name is jane citizen", "zero four one two"]
    first_partials = [t.text for t in results[: results.index(finals[0])]]
    assert first_partials and all("my name is jane citizen".startswith(p) for p in first_partials)
    assert finals[0].start_ms is not None and 250 <= finals[0].start_ms <= 400
    assert finals[0].end_ms is not None and 1200 <= finals[0].end_ms <= 1400
    assert finals[1].start_ms is not None and finals[1].start_ms > 1800  # times run on across the stream
    await stream.close()
    (log,) = server.connections
    assert log.authorization == "Token test-key"
    assert {k: v[0] for k, v in log.query.items() if k != "keyterm"} == {
        "model": "nova-3",
        "language": "en-AU",
        "encoding": "linear16",
        "sample_rate": "16000",
        "channels": "1",
        "interim_results": "true",
        "punctuate": "true",
        "endpointing": "300",
        "utterance_end_ms": "1000",
        "vad_events": "true",
    }
    assert log.query["keyterm"] == ["zero", "oh", "double"]
    audio_frames = [size for kind, size in log.frames if kind == "audio"]
    assert set(audio_frames) == {FRAME} and log.audio_bytes == (len(_utterance(1.0)) + len(_utterance(0.9))) * 2
    assert log.frames[-1] == ("text", "CloseStream") and log.close_code == 1000


async def test_a_long_utterance_arrives_as_segments_but_is_one_final(server: FakeDeepgram) -> None:
    server.segment_ms = 400  # Deepgram finalises segments of a long utterance before the endpoint
    stream = await _engine(server).open()
    await _send(stream, _utterance(1.4))
    results = await _collect(stream, finals=1)
    assert [t.text for t in results if t.is_final] == ["my name is jane citizen"]
    assert max(len(t.text.split()) for t in results if not t.is_final) >= 3  # committed words carried in partials
    await stream.close()


async def test_utterance_end_closes_a_turn_when_no_speech_final_comes(server: FakeDeepgram) -> None:
    server.speech_final = False  # e.g. in noise Deepgram's endpointer never fires; UtteranceEnd does
    stream = await _engine(server).open()
    await _send(stream, np.concatenate([_utterance(1.0), silence(1.2)]))
    finals = [t for t in await _collect(stream, finals=1) if t.is_final]
    assert [t.text for t in finals] == ["my name is jane citizen"]
    await stream.close()


async def test_finalize_flushes_the_utterance_in_progress(server: FakeDeepgram) -> None:
    stream = await _engine(server).open()
    await _send(stream, np.concatenate([silence(0.2), voiced(0.7)]))  # no trailing silence: no endpoint yet
    await asyncio.sleep(0.2)
    await stream.finalize()
    final = [t for t in list(stream.results_queue._queue) if isinstance(t, Transcript) and t.is_final]  # type: ignore[attr-defined]
    assert [t.text for t in final] == ["my name is jane citizen"]
    assert ("text", "Finalize") in server.connections[0].frames
    await stream.close()


async def test_keepalive_holds_an_idle_connection_open(server: FakeDeepgram) -> None:
    server.idle_timeout_s = 0.3
    stream = await _engine(server, keepalive_s=0.1).open()
    await asyncio.sleep(0.8)
    await _send(stream, _utterance(0.8))
    assert [t.text for t in await _collect(stream, finals=1) if t.is_final] == ["my name is jane citizen"]
    assert len(server.connections) == 1
    assert server.connections[0].frames.count(("text", "KeepAlive")) >= 4
    await stream.close()


@pytest.mark.parametrize("close_code", [None, 1011])
async def test_reconnects_after_a_drop_and_loses_no_speech(server: FakeDeepgram, close_code: int | None) -> None:
    server.drop_after_bytes = int(0.8 * 32000)  # mid-way through the first utterance
    server.drop_with_close_code = close_code
    stream = await _engine(server).open()
    await _send(stream, np.concatenate([_utterance(1.0), _utterance(0.9, seed=2)]), pace_s=0.001)
    finals = [t for t in await _collect(stream, finals=2) if t.is_final]
    assert [t.text for t in finals] == ["my name is jane citizen", "zero four one two"]
    assert len(server.connections) == 2
    first, second = server.connections
    total = (len(_utterance(1.0)) + len(_utterance(0.9))) * 2
    assert second.audio_bytes >= total - first.audio_bytes  # everything not yet final was replayed
    assert finals[0].start_ms is not None and 250 <= finals[0].start_ms <= 400  # timestamps survive the reconnect
    await stream.close()


async def test_a_rejected_key_is_a_clear_auth_error(server: FakeDeepgram) -> None:
    with pytest.raises(SpeechEngineAuthError) as info:
        await _engine(server, api_key="wrong").open()
    assert info.value.status == 401 and "API key rejected" in str(info.value)
    assert server.connections == []


async def test_undecodable_audio_is_a_provider_error_without_retry(server: FakeDeepgram) -> None:
    server.reject_audio = True
    stream = await _engine(server).open()
    await _send(stream, voiced(0.1))
    with pytest.raises(SpeechEngineError, match="1008 DATA-0000"):
        await _collect(stream, finals=1)
    assert len(server.connections) == 1


async def test_a_provider_error_message_ends_the_session_with_its_description(server: FakeDeepgram) -> None:
    server.error_after_bytes = 3200
    stream = await _engine(server).open()
    await _send(stream, voiced(0.5))
    with pytest.raises(SpeechEngineError, match="INTERNAL: Internal server error"):
        await _collect(stream, finals=1)
    assert len(server.connections) == 1


async def test_gives_up_after_the_reconnect_budget(server: FakeDeepgram) -> None:
    stream = await _engine(server, max_reconnects=2).open()
    await server.stop()  # the provider is gone: every reconnect is refused
    for ws in list(server._server.connections) if server._server else []:
        ws.transport.abort()
    with pytest.raises(SpeechEngineError, match="giving up"):
        await _collect(stream, finals=1)
