"""PrerenderedTts: renders each distinct text once with the wrapped engine, then replays it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest

from voice_runtime.codec import pcm16_to_mulaw
from voice_runtime.testing.prerendered_tts import PrerenderedTts
from voice_runtime.tts.base import TextToSpeech


class ToneTts:
    """A tiny real TTS for the test: each character becomes 10 ms of a tone, in two chunks, slowly."""

    name = "tone"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        self.calls.append(text)
        if text == self.fail_on:
            raise RuntimeError("engine down")
        t = np.arange(80 * len(text)) / 8000
        audio = pcm16_to_mulaw((3000 * np.sin(2 * np.pi * (200 + len(text)) * t)).astype(np.int16).tobytes())
        half = len(audio) // 2
        for piece in (audio[:half], audio[half:]):
            await asyncio.sleep(0.01)
            yield piece


async def _play(tts: TextToSpeech, text: str) -> bytes:
    return b"".join([chunk async for chunk in tts.synthesize(text)])


async def test_replays_identical_audio_and_renders_once() -> None:
    inner = ToneTts()
    tts: TextToSpeech = PrerenderedTts(inner, chunk_bytes=160)
    first = await _play(tts, "hello there")
    again = await _play(tts, "hello there")
    assert first == again == await _play(inner, "hello there")
    assert inner.calls.count("hello there") == 2  # one render + the direct comparison above
    chunks = [c async for c in tts.synthesize("hello there")]
    assert all(len(c) == 160 for c in chunks[:-1]) and len(chunks[-1]) <= 160


async def test_concurrent_first_requests_share_one_render() -> None:
    inner = ToneTts()
    tts = PrerenderedTts(inner)
    results = await asyncio.gather(*[_play(tts, "g'day") for _ in range(20)])
    assert len(set(results)) == 1 and len(results[0]) == 80 * 5
    assert inner.calls == ["g'day"] and tts.renders == 1


async def test_prerender_warms_the_cache() -> None:
    inner = ToneTts()
    tts = PrerenderedTts(inner)
    await tts.prerender(["a", "bb", "a"])
    assert inner.calls == ["a", "bb"]
    await _play(tts, "bb")
    assert inner.calls == ["a", "bb"]


async def test_a_failed_render_is_not_cached() -> None:
    inner = ToneTts(fail_on="boom")
    tts = PrerenderedTts(inner)
    with pytest.raises(RuntimeError):
        await _play(tts, "boom")
    inner.fail_on = None
    assert len(await _play(tts, "boom")) == 80 * 4


async def test_cancelling_the_replay_leaves_the_cache_intact() -> None:
    tts = PrerenderedTts(ToneTts(), chunk_bytes=10)
    stream = tts.synthesize("long enough text")
    assert await anext(stream)
    await stream.aclose()  # type: ignore[attr-defined]
    assert len(await _play(tts, "long enough text")) == 80 * 16
