"""Speech-to-text: streams the caller's 16 kHz audio to the engine and pushes partials and finals."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Sequence

from voice_runtime.context import CallContext
from voice_runtime.frames import (
    AudioRawFrame,
    CancelFrame,
    Direction,
    EndFrame,
    ErrorFrame,
    FinalizeSttFrame,
    Frame,
    InterimTranscriptionFrame,
    StartFrame,
    SttFinalizedFrame,
    SttHintsFrame,
    TranscriptionFrame,
)
from voice_runtime.processor import FrameProcessor
from voice_runtime.stt.base import HintableStream, SpeechToText, SttStream

log = logging.getLogger(__name__)
FINALIZE_TIMEOUT_S = 5.0


def hints_key(hints: Sequence[str] | None) -> str:
    """A short name for a set of recognition hints ("" for none), the same in every process."""
    if not hints:
        return ""
    return hashlib.sha256("\n".join(hints).encode()).hexdigest()[:12]


class SttProcessor(FrameProcessor):
    """One engine session at a time; new hints open a new session in the background."""

    def __init__(self, ctx: CallContext, stt: SpeechToText) -> None:
        super().__init__()
        self._ctx = ctx
        self._stt = stt
        self._stream: SttStream | None = None
        self._hints: list[str] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._frames = 0  # caller audio frames seen: where in the caller's audio each session begins

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Feed audio; handle finalize and hints; pass everything on."""
        if isinstance(frame, AudioRawFrame):
            self._frames += 1
            if self._stream is not None:
                await self._stream.send(frame.pcm16k)
        elif isinstance(frame, FinalizeSttFrame):
            if self._stream is not None:
                self._spawn(self._finalize(self._stream))  # flushing may wait on recognition: not in the loop
            return
        elif isinstance(frame, SttHintsFrame):
            # An engine without per-session hints keeps its one session (a new one would lose what it has heard)
            # and, if it can, takes the hints in place.
            if frame.hints != self._hints:
                self._hints = list(frame.hints)
                if self._stt.supports_hints:
                    self._spawn(self._open(self._hints))
                elif isinstance(self._stream, HintableStream):
                    self._stream.set_hints(self._hints)
            return
        elif isinstance(frame, StartFrame):
            self._spawn(self._open(self._hints))
        elif isinstance(frame, EndFrame | CancelFrame):
            await self.cleanup()
        await self.push_frame(frame, direction)

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _finalize(self, stream: SttStream) -> None:
        try:
            await asyncio.wait_for(stream.finalize(), FINALIZE_TIMEOUT_S)
        except Exception as exc:
            log.exception("STT finalize failed")
            await self.push_frame(ErrorFrame(error=f"stt finalize failed: {exc!r}", processor=self.name),
                                  Direction.UPSTREAM)
        for _ in range(3):
            await asyncio.sleep(0)  # let the reader push the final that finalize() queued
        await self.push_frame(SttFinalizedFrame(received=self._ctx.now()))

    async def _open(self, hints: list[str] | None) -> None:
        try:
            stream = await self._stt.open(hints=hints)
        except Exception as exc:
            log.exception("STT open failed")
            error = ErrorFrame(error=f"stt open failed: {exc!r}", processor=self.name)
            await self.push_frame(error, Direction.UPSTREAM)
            return
        old, self._stream = self._stream, stream
        if isinstance(stream, HintableStream) and self._hints is not None and self._hints != hints:
            stream.set_hints(self._hints)  # hints that came while it was opening
        # Where in the caller's audio this session began: a recogniser adapts to what it has heard, so a replay of
        # the recording (`revos replay --audio`) must switch sessions at the same points to hear the same words.
        self._ctx.events.emit("stt.session_opened", hints=hints_key(hints), at_frame=self._frames)
        self._spawn(self._read(stream))
        if old is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(old.close(), FINALIZE_TIMEOUT_S)

    async def _read(self, stream: SttStream) -> None:
        try:
            async for result in stream.results():
                text = result.text.strip()
                now = self._ctx.now()
                if result.is_final:
                    self._ctx.events.emit("stt.final", text=text, confidence=result.confidence,
                                          start_ms=result.start_ms, end_ms=result.end_ms)
                    await self.push_frame(TranscriptionFrame(text=text, received=now, confidence=result.confidence))
                elif text:
                    self._ctx.events.emit("stt.partial", text=text)
                    await self.push_frame(InterimTranscriptionFrame(text=text, received=now))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("STT stream failed")
            await self.push_frame(ErrorFrame(error=f"stt failed: {exc!r}", processor=self.name), Direction.UPSTREAM)
        if stream is self._stream:  # the session died under us: the call goes on with a new one
            self._stream = None
            self._spawn(self._open(self._hints))

    async def cleanup(self) -> None:
        """Close the session and stop the readers."""
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(stream.close(), FINALIZE_TIMEOUT_S)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
