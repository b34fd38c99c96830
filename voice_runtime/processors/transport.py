"""The Twilio Media Streams transport: an input processor at the head of the pipeline and an output one near the end.

Both speak through `twilio_serializer`. The input reads the socket and pushes caller audio, DTMF and mark
echoes downstream; the output owns every write: paced agent audio and marks in order, with a `clear`
overtaking whatever is still waiting to be written. The session owns the socket itself (accept, close).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

from starlette.websockets import WebSocketDisconnect

from voice_runtime import twilio_serializer as tw
from voice_runtime.frames import (
    CancelFrame,
    ClearAudioFrame,
    Direction,
    DtmfFrame,
    EndFrame,
    Frame,
    HangupFrame,
    InputAudioFrame,
    MarkFrame,
    PacedAudioFrame,
    PlayoutMarkFrame,
    StartFrame,
    TransferFrame,
)
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.processor import FrameProcessor, FrameQueue
from voice_runtime.recording import CallRecorder

log = logging.getLogger(__name__)
_HELD = (PacedAudioFrame, PlayoutMarkFrame, HangupFrame, TransferFrame)


class Socket(Protocol):
    """The half of a WebSocket the transport uses (starlette's)."""

    async def receive_text(self) -> str:
        """The next text message; raises `WebSocketDisconnect` once the peer has gone."""
        ...

    async def send_text(self, data: str) -> None:
        """Send one text message."""
        ...


class TwilioInput(FrameProcessor):
    """Head of the pipeline: what Twilio sends, as frames."""

    def __init__(self, ws: Socket, metrics: VoiceMetrics) -> None:
        super().__init__()
        self._ws = ws
        self._metrics = metrics
        self.recorder: CallRecorder | None = None  # set by the session once it knows the call is recorded

    async def wait_for_start(self) -> tw.Start | None:
        """Read up to the stream's `start`; None if the stream stopped or the socket closed first."""
        while (message := await self._receive()) is not None and not isinstance(message, tw.Stop):
            if isinstance(message, tw.Start):
                return message
        return None

    async def run(self) -> str:
        """Feed the rest of the stream into the pipeline; returns why it ended."""
        while (message := await self._receive()) is not None:
            if isinstance(message, tw.Stop):
                return "caller_hangup"
            await self._feed(message)
        return "disconnected"

    async def _receive(self) -> tw.TwilioMessage | None:
        while True:
            try:
                text = await self._ws.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return None
            try:
                return tw.parse(text)
            except tw.ProtocolError as exc:
                log.warning("ignoring a malformed message: %s", exc)

    async def _feed(self, message: tw.TwilioMessage) -> None:
        if isinstance(message, tw.Media):
            began, arrived = time.perf_counter(), time.monotonic()
            if self.recorder is not None:
                self.recorder.caller_frame(message.payload, arrived, message.timestamp_ms)
            await self.push_frame(InputAudioFrame(mulaw=message.payload, arrived=arrived))
            self._metrics.observe_frame(time.perf_counter() - began)
        elif isinstance(message, tw.Dtmf):
            await self.push_frame(DtmfFrame(digit=message.digit, arrived=time.monotonic()))
        elif isinstance(message, tw.Mark):
            await self.push_frame(MarkFrame(name=message.name))


class TwilioOutput(FrameProcessor):
    """Writes to Twilio from its own task, in order; hangups and transfers pass on once what came before is written.

    A `ClearAudioFrame` (system) goes to the front of the writes and drops the audio and marks still
    waiting, so a barge-in's `clear` never waits behind audio the caller will not hear anyway.
    """

    def __init__(self, ws: Socket, metrics: VoiceMetrics, recorder: CallRecorder | None = None) -> None:
        super().__init__()
        self._ws = ws
        self._metrics = metrics
        self._recorder = recorder  # the agent leg: what was actually written, cut by each `clear`
        self._sid = ""
        self._queue = FrameQueue()
        self._writer: asyncio.Task[None] | None = None

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Hold what must be written (or follow the writes); pass everything else on."""
        if direction is Direction.DOWNSTREAM and isinstance(frame, _HELD):
            self._queue.put(frame)
            return
        if isinstance(frame, ClearAudioFrame):
            self._queue.interrupt()
            self._queue.put(frame)
            return
        if isinstance(frame, StartFrame):
            self._sid = frame.stream_sid
            self._writer = asyncio.create_task(self._write(), name="twilio-writer")
        elif isinstance(frame, EndFrame | CancelFrame):
            await self.cleanup()
        await self.push_frame(frame, direction)

    async def _write(self) -> None:
        metrics = self._metrics
        while True:
            frame = await self._queue.get()
            if isinstance(frame, HangupFrame | TransferFrame):
                await self.push_frame(frame)
                continue
            if isinstance(frame, PacedAudioFrame):
                message = tw.media(self._sid, frame.mulaw)
                metrics.frames_out.inc()
                if time.monotonic() > frame.deadline:
                    metrics.late_frames.inc()
            elif isinstance(frame, PlayoutMarkFrame):
                message = tw.mark(self._sid, frame.name)
            else:
                message = tw.clear(self._sid)
            try:
                await self._ws.send_text(message)
            except Exception:
                return  # the socket is gone; the session ends the call
            if self._recorder is not None:
                self._record(frame)

    def _record(self, frame: Frame) -> None:
        assert self._recorder is not None
        if isinstance(frame, PacedAudioFrame):
            self._recorder.agent_frame(frame.mulaw, time.monotonic())
        elif isinstance(frame, ClearAudioFrame):
            self._recorder.agent_clear(time.monotonic())

    async def cleanup(self) -> None:
        """Stop writing."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
