"""What one call used of the speech engines and the CPU, for its cost (recorded as `call.usage` before `call.ended`).

The session wraps the shared engines per call: the STT wrapper counts the audio it streams (what a streaming engine
bills) and the time the call waited on the engine; the TTS wrapper counts the characters it asks for (what a TTS
engine bills) and the time it waited for audio. `CpuShare` splits the voice worker's CPU seconds between the calls
in progress, so a local engine's cost is the CPU the calls actually took.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import psutil

from voice_runtime.stt.base import STT_SAMPLE_RATE, SpeechToText, SttStream, Transcript
from voice_runtime.tts.base import TextToSpeech


def core_version() -> str:
    """The Voice Core's version (the installed package's), recorded with every call's usage."""
    try:
        return metadata.version("revenue-os")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass
class CallUsage:
    """One call's counters."""

    stt_bytes: int = 0
    stt_busy_seconds: float = 0.0
    tts_characters: int = 0
    tts_busy_seconds: float = 0.0

    def as_event(self, stt: str, tts: str, cpu_seconds: float) -> dict[str, Any]:
        """The `call.usage` event's payload."""
        return {"stt_engine": stt, "stt_audio_seconds": round(self.stt_bytes / (2 * STT_SAMPLE_RATE), 3),
                "stt_busy_seconds": round(self.stt_busy_seconds, 4), "tts_engine": tts,
                "tts_characters": self.tts_characters, "tts_busy_seconds": round(self.tts_busy_seconds, 4),
                "cpu_seconds": round(cpu_seconds, 4), "core_version": core_version()}


def process_tree_cpu() -> float:
    """CPU seconds (user + system) of this process and its live children (the engines' worker processes)."""
    me = psutil.Process()
    total = float(sum(me.cpu_times()[:2]))
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a worker that exited between listing and reading
            total += float(sum(child.cpu_times()[:2]))
    return total


class CpuShare:
    """The voice worker's CPU seconds (its engine workers' included), shared evenly between the calls in progress
    over each interval. Sampling reads /proc, so the session calls it off the event loop (`asyncio.to_thread`).
    """

    def __init__(self, clock: Callable[[], float] = process_tree_cpu) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last = clock()
        self._per_call = 0.0
        self._active = 0

    def _advance(self) -> None:
        now = self._clock()
        if self._active:
            self._per_call += max(0.0, now - self._last) / self._active  # a child that exited takes its time along
        self._last = now

    def enter(self) -> float:
        """A call starts; returns its mark."""
        with self._lock:
            self._advance()
            self._active += 1
            return self._per_call

    def leave(self, mark: float) -> float:
        """A call ends; returns its CPU seconds since `mark`."""
        with self._lock:
            self._advance()
            self._active = max(0, self._active - 1)
            return self._per_call - mark


class _MeteredStream:
    def __init__(self, stream: SttStream, usage: CallUsage) -> None:
        self._stream = stream
        self._usage = usage

    async def send(self, pcm16: bytes) -> None:
        self._usage.stt_bytes += len(pcm16)
        started = time.perf_counter()
        try:
            await self._stream.send(pcm16)
        finally:
            self._usage.stt_busy_seconds += time.perf_counter() - started

    def results(self) -> AsyncIterator[Transcript]:
        return self._stream.results()

    async def finalize(self) -> None:
        started = time.perf_counter()
        try:
            await self._stream.finalize()
        finally:
            self._usage.stt_busy_seconds += time.perf_counter() - started

    async def close(self) -> None:
        await self._stream.close()


class MeteredStt:
    """`SpeechToText` that meters one call's sessions of a shared engine."""

    def __init__(self, engine: SpeechToText, usage: CallUsage) -> None:
        self._engine = engine
        self._usage = usage
        self.name = engine.name
        self.supports_hints = engine.supports_hints

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        """Open a session of the engine, metered."""
        return _MeteredStream(await self._engine.open(hints=hints), self._usage)


class MeteredTts:
    """`TextToSpeech` that meters one call's requests to a shared engine."""

    def __init__(self, engine: TextToSpeech, usage: CallUsage) -> None:
        self._engine = engine
        self._usage = usage
        self.name = engine.name

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """The engine's audio; the characters are counted when asked for (as TTS engines bill)."""
        self._usage.tts_characters += len(text)
        stream = self._engine.synthesize(text)
        try:
            while True:
                started = time.perf_counter()
                try:
                    chunk = await anext(stream)
                except StopAsyncIteration:
                    return
                finally:
                    self._usage.tts_busy_seconds += time.perf_counter() - started
                yield chunk
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
