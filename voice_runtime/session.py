"""One call over a Twilio Media Streams WebSocket: parse, run the pipeline, write paced audio back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect

from voice_runtime import twilio_serializer as tw
from voice_runtime.call_events import CallEventLog, EventSink
from voice_runtime.context import CallContext, VoiceConfig
from voice_runtime.frame_clock import FrameClock
from voice_runtime.frames import (
    CancelFrame,
    Direction,
    DtmfFrame,
    EndFrame,
    ErrorFrame,
    Frame,
    HangupFrame,
    InputAudioFrame,
    MarkFrame,
    StartFrame,
    TransferFrame,
    TransferResultFrame,
)
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.pipeline_factory import build_pipeline
from voice_runtime.processor import Pipeline
from voice_runtime.processors.pacer import Pacer
from voice_runtime.stt.base import SpeechToText
from voice_runtime.transfer import TransferPort
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.vad import Vad

log = logging.getLogger(__name__)


@dataclass
class VoiceDeps:
    """What the voice worker wires once and every call shares."""

    config: VoiceConfig
    metrics: VoiceMetrics
    sink: EventSink
    stt: SpeechToText
    tts: TextToSpeech
    transfer: TransferPort
    clock: FrameClock
    vad_factory: Callable[[VoiceConfig], Vad]


class CallSession:
    """Lives as long as the WebSocket; everything slow is behind a queue or a task."""

    def __init__(self, deps: VoiceDeps, ws: WebSocket) -> None:
        self._deps = deps
        self._ws = ws
        self._log = CallEventLog(deps.sink)
        self._out: asyncio.Queue[tuple[str, float | None] | None] = asyncio.Queue()
        self._pipeline: Pipeline | None = None
        self._pacer: Pacer | None = None
        self._ctx: CallContext | None = None
        self._params: dict[str, str] = {}
        self._started = 0.0
        self._end_reason: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Serve the stream until Twilio stops it, the caller hangs up or we end the call."""
        await self._ws.accept()
        writer = asyncio.create_task(self._write(), name="ws-writer")
        reason = "disconnected"
        try:
            while True:
                message = await self._ws.receive_text()
                if await self._handle(message):
                    reason = "caller_hangup"
                    break
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            await self._end(self._end_reason or reason)
            self._out.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)

    async def _handle(self, text: str) -> bool:
        try:
            message = tw.parse(text)
        except tw.ProtocolError as exc:
            log.warning("ignoring a malformed message: %s", exc)
            return False
        if isinstance(message, tw.Media):
            if self._pipeline is not None:
                began = time.perf_counter()
                await self._pipeline.queue_frame(InputAudioFrame(mulaw=message.payload, arrived=time.monotonic()))
                self._deps.metrics.observe_frame(time.perf_counter() - began)
        elif isinstance(message, tw.Start):
            await self._start(message)
        elif isinstance(message, tw.Dtmf) and self._pipeline is not None:
            await self._pipeline.queue_frame(DtmfFrame(digit=message.digit, arrived=time.monotonic()))
        elif isinstance(message, tw.Mark) and self._pipeline is not None:
            await self._pipeline.queue_frame(MarkFrame(name=message.name))
        elif isinstance(message, tw.Stop):
            return True
        return False

    async def _start(self, start: tw.Start) -> None:
        if self._pipeline is not None:
            return
        params = start.custom_parameters
        self._params = dict(params)
        tenant = params.get("tenant_id") or None
        self._log.bind(start.call_sid, tenant)
        deps = self._deps
        self._ctx = CallContext(config=deps.config, events=self._log, metrics=deps.metrics,
                                timezone=params.get("timezone") or "Australia/Sydney",
                                business_name=params.get("business_name", ""),
                                extras={k: v for k, v in params.items() if k == "transfer_to"})
        self._pacer = Pacer(self._ctx, start.stream_sid, self._enqueue)
        self._pipeline = build_pipeline(self._ctx, deps.stt, deps.tts, deps.vad_factory(deps.config), self._pacer,
                                        on_downstream=self._on_downstream, on_upstream=self._on_upstream)
        self._started = time.monotonic()
        deps.metrics.active_calls.inc()
        self._log.emit("call.started", call_sid=start.call_sid, stream_sid=start.stream_sid, tenant_id=tenant,
                       caller=params.get("from", ""), called=params.get("to", ""))
        deps.clock.add(self._pacer)
        await self._pipeline.queue_frame(StartFrame(call_sid=start.call_sid, stream_sid=start.stream_sid,
                                                    tenant_id=tenant, parameters=dict(params)))

    def _enqueue(self, message: str, deadline: float | None) -> None:
        self._out.put_nowait((message, deadline))

    async def _write(self) -> None:
        metrics = self._deps.metrics
        while (item := await self._out.get()) is not None:
            message, deadline = item
            if deadline is not None:
                metrics.frames_out.inc()
                if time.monotonic() > deadline:
                    metrics.late_frames.inc()
            try:
                await self._ws.send_text(message)
            except Exception:
                return

    async def _on_downstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, HangupFrame):
            self._close(frame.reason)
        elif isinstance(frame, TransferFrame):
            self._spawn(self._transfer(frame.to))

    async def _on_upstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, ErrorFrame):
            self._log.emit("error", error=frame.error, processor=frame.processor, fatal=frame.fatal)
            if frame.fatal:
                self._close("error")

    async def _transfer(self, to: str) -> None:
        kind = self._deps.config.transfer_mode
        self._log.emit("transfer.requested", to=to, kind=kind)
        if kind == "warm":
            result = await self._deps.transfer.warm_transfer(
                self._log.call_sid, to, whisper=self._whisper(), caller_id=self._params.get("to", ""))
        else:
            result = await self._deps.transfer.cold_transfer(self._log.call_sid, to)
        if result.ok:
            self._log.emit("transfer.completed", to=to, kind=kind)
            self._close("transferred")
            return
        self._log.emit("transfer.failed", to=to, kind=kind, error=result.error)
        if self._pipeline is not None:
            await self._pipeline.queue_frame(TransferResultFrame(to=to, ok=False, error=result.error))

    def _whisper(self) -> str:
        """What the person taking a warm transfer hears before the caller joins."""
        business = f" {self._ctx.business_name}" if self._ctx and self._ctx.business_name else ""
        caller = self._params.get("from", "") or "an unknown number"
        return f"Transfer from the{business} voice agent: a caller on {caller} asked for a person."

    def _close(self, reason: str) -> None:
        """End the call from our side: closing the stream ends <Connect>, and with it the call."""
        if self._end_reason is None:
            self._end_reason = reason
        self._spawn(self._close_ws())

    async def _close_ws(self) -> None:
        await asyncio.sleep(0.05)  # let the writer flush the last marks
        with contextlib.suppress(Exception):
            await self._ws.close()

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _end(self, reason: str) -> None:
        if self._pipeline is None or self._pacer is None:
            return
        self._deps.clock.remove(self._pacer)
        await self._pipeline.queue_frame(EndFrame(reason=reason) if reason != "disconnected" else CancelFrame(reason))
        await self._pipeline.cleanup()
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        self._log.emit("call.ended", reason=reason, duration_ms=round((time.monotonic() - self._started) * 1000))
        self._deps.metrics.active_calls.dec()
        self._deps.metrics.calls.labels(reason).inc()
        self._pipeline = None
