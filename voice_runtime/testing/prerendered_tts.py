"""PrerenderedTts: renders each distinct text once with another engine and replays the cached audio.

For load tests: the voice loop's prompts are templated, so a run with 100 calls needs only a
handful of distinct utterances. The first request for a text renders it with the wrapped engine
(concurrent requests for the same text share that one render); later requests replay the bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.tts.base import TextToSpeech


class PrerenderedTts:
    """`TextToSpeech` over a render cache keyed by the exact text."""

    name = "prerendered"

    def __init__(self, engine: TextToSpeech, *, chunk_bytes: int = MULAW_FRAME_BYTES * 5) -> None:
        if chunk_bytes <= 0:
            raise ValueError("chunk_bytes must be positive")
        self.engine = engine
        self.chunk_bytes = chunk_bytes
        self._cache: dict[str, bytes] = {}
        self._inflight: dict[str, asyncio.Task[bytes]] = {}
        self.renders = 0  # how many times the wrapped engine was asked to synthesise

    async def prerender(self, texts: Iterable[str]) -> None:
        """Render these texts now (one at a time) so calls never wait for the wrapped engine."""
        for text in texts:
            await self.audio(text)

    async def audio(self, text: str) -> bytes:
        """The whole utterance as 8 kHz mu-law, rendering it on first use."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        task = self._inflight.get(text)
        if task is None:
            task = asyncio.create_task(self._render(text))
            self._inflight[text] = task
            task.add_done_callback(lambda _t: self._inflight.pop(text, None))
        return await asyncio.shield(task)

    async def _render(self, text: str) -> bytes:
        self.renders += 1
        parts = [chunk async for chunk in self.engine.synthesize(text)]
        audio = b"".join(parts)
        self._cache[text] = audio
        return audio

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """Replay the cached audio in `chunk_bytes` pieces (rendering it first if new)."""
        audio = await self.audio(text)
        for start in range(0, len(audio), self.chunk_bytes):
            yield audio[start : start + self.chunk_bytes]
