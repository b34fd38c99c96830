"""Text-to-speech: one utterance at a time, in order; an interruption cancels generation at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from voice_runtime.context import CallContext
from voice_runtime.frames import (
    CancelFrame,
    Direction,
    EndFrame,
    ErrorFrame,
    Frame,
    HangupFrame,
    InterruptionFrame,
    OutputAudioFrame,
    SpeakFrame,
    TransferFrame,
    TtsStartedFrame,
    TtsStoppedFrame,
)
from voice_runtime.processor import FrameProcessor, FrameQueue
from voice_runtime.tts.base import TextToSpeech

log = logging.getLogger(__name__)


class TtsProcessor(FrameProcessor):
    """Synthesises SpeakFrames in its own task; hangups and transfers keep their place behind speech."""

    def __init__(self, ctx: CallContext, tts: TextToSpeech) -> None:
        super().__init__()
        self._ctx = ctx
        self._tts = tts
        self._queue = FrameQueue()  # speech (data) and hangups/transfers (control), in order
        self._worker: asyncio.Task[None] | None = None
        self._current: asyncio.Task[None] | None = None

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Queue speech; cancel on interruption; pass everything else on."""
        if isinstance(frame, SpeakFrame | HangupFrame | TransferFrame):
            if self._worker is None:
                self._worker = asyncio.create_task(self._run(), name="tts-worker")
            self._queue.put(frame)
            return
        if isinstance(frame, InterruptionFrame):
            self._interrupt()
        elif isinstance(frame, EndFrame | CancelFrame):
            await self.cleanup()
        await self.push_frame(frame, direction)

    def _interrupt(self) -> None:
        self._queue.interrupt()  # queued speech is dropped; a hangup or transfer keeps its place
        if self._current is not None:
            self._current.cancel()

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            if not isinstance(item, SpeakFrame):
                await self.push_frame(item)
                continue
            current = self._current = asyncio.create_task(self._speak(item))
            # An interruption cancels the utterance, not this loop: wait without taking its CancelledError (a
            # `suppress` here also swallowed this task's own cancel, so a call that ended mid-synthesis never
            # finished its cleanup, and its session never ended).
            await asyncio.wait({current})
            self._current = None
            if not current.cancelled():
                current.result()

    async def _speak(self, frame: SpeakFrame) -> None:
        requested = self._ctx.now()
        if frame.last_voiced is not None:
            self._ctx.metrics.observe("reply_request", max(0.0, requested - frame.last_voiced))
        await self.push_frame(TtsStartedFrame(utterance_id=frame.utterance_id, text=frame.text,
                                              last_voiced=frame.last_voiced, requested=requested))
        first = True
        stream = self._tts.synthesize(frame.text)
        try:
            async for chunk in stream:
                if first:
                    first = False
                    self._ctx.metrics.observe("tts_ttfb", self._ctx.now() - requested)
                await self.push_frame(OutputAudioFrame(mulaw=chunk, utterance_id=frame.utterance_id))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("TTS failed")
            await self.push_frame(ErrorFrame(error=f"tts failed: {exc!r}", processor=self.name), Direction.UPSTREAM)
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await aclose()
        await self.push_frame(TtsStoppedFrame(utterance_id=frame.utterance_id))

    async def cleanup(self) -> None:
        """Stop generating."""
        for task in (self._current, self._worker):
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in (self._current, self._worker) if t is not None), return_exceptions=True)
        self._current = self._worker = None
