"""One call over a Twilio Media Streams WebSocket: the socket and the call's lifecycle, nothing else.

The session accepts the socket, waits for Twilio's `start`, admits it only with the signed token our webhook
handed that call (voice_runtime/door.py: else it closes the socket with 1008 and records the refusal), takes
the call's tenant, graph and numbers from the server's plan, builds the call's pipeline around the
transport pair (`processors/transport.py`), lets the input read until the stream ends, and ends the
call once: from Twilio's side (`stop`, a dropped socket) or ours (a hangup or transfer reaching the end
of the pipeline, a fatal error), which closes the socket and with it Twilio's <Connect>.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.websockets import WebSocket

from domain.voice.stream_token import TokenRefused
from voice_runtime import twilio_serializer as tw
from voice_runtime.call_events import CallEventLog, EventSink
from voice_runtime.context import CallContext, VoiceConfig
from voice_runtime.door import StreamDoor
from voice_runtime.frame_clock import FrameClock
from voice_runtime.frames import CancelFrame, Direction, EndFrame, ErrorFrame, Frame, HangupFrame, StartFrame
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.pipeline_factory import build_pipeline
from voice_runtime.processor import Pipeline
from voice_runtime.processors.pacer import Pacer
from voice_runtime.processors.transport import TwilioInput, TwilioOutput
from voice_runtime.recording import CallRecorder
from voice_runtime.recording_writer import RecordingWriter
from voice_runtime.routing import CallPlan
from voice_runtime.stt.base import SpeechToText
from voice_runtime.transfer import LocalTransfer, TransferPort
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.usage import CallUsage, CpuShare, MeteredStt, MeteredTts
from voice_runtime.vad import VoiceActivityDetector


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
    vad_factory: Callable[[VoiceConfig], VoiceActivityDetector]
    cpu: CpuShare = field(default_factory=CpuShare)
    smoke_transfer: TransferPort = field(default_factory=LocalTransfer)  # smoke calls never dial a real phone
    recordings: RecordingWriter | None = None  # None: this worker records no call


def call_context(deps: VoiceDeps, plan: CallPlan, events: CallEventLog, *, transport: str = "twilio") -> CallContext:
    """The call's context from its plan (graph, version, business state decided now), whatever its transport."""
    return CallContext(config=deps.config, events=events, metrics=deps.metrics, timezone=plan.call_timezone,
                       business_name=plan.business_name,
                       extras={"transfer_to": plan.transfer_to} if plan.transfer_to else {},
                       graph=plan.graph, config_version=plan.config_version,
                       business_open=plan.business_open(datetime.now(UTC)), tenant_id=str(plan.tenant_id),
                       transport=transport)


POLICY_VIOLATION = 1008  # WebSocket close code: the stream broke the rules (no valid token)


class CallSession:
    """Lives as long as the WebSocket; everything slow is behind a queue or a task."""

    def __init__(self, deps: VoiceDeps, ws: WebSocket, door: StreamDoor) -> None:
        self._deps = deps
        self._ws = ws
        self._door = door
        self._log = CallEventLog(deps.sink)
        self._input = TwilioInput(ws, deps.metrics)
        self._pipeline: Pipeline | None = None
        self._pacer: Pacer | None = None
        self._started = 0.0
        self._end_reason: str | None = None
        self._closing: asyncio.Task[None] | None = None
        self._recorder: CallRecorder | None = None
        self._usage = CallUsage()
        self._cpu_mark = 0.0

    async def run(self) -> None:
        """Serve the stream until Twilio stops it, the caller hangs up or we end the call."""
        await self._ws.accept()
        reason = "disconnected"
        try:
            start = await self._input.wait_for_start()
            plan = await self._admit(start) if start is not None else None
            if start is None or plan is None:
                return
            await self._start(start, plan)
            reason = await self._input.run()
        finally:
            await self._end(self._end_reason or reason)

    async def _admit(self, start: tw.Start) -> CallPlan | None:
        """The call's plan from its token and our records; a stream without a valid token is closed (1008)."""
        try:
            return await self._door.admit(start.custom_parameters.get("token"), start.call_sid)
        except TokenRefused as refused:
            client = self._ws.client.host if self._ws.client else ""
            self._door.security.refused(refused.reason, where="media", call_sid=start.call_sid,
                                        stream_sid=start.stream_sid, client=client)
            await self._close_ws(POLICY_VIOLATION, refused.reason)
            return None

    async def _start(self, start: tw.Start, plan: CallPlan) -> None:
        tenant = str(plan.tenant_id)
        self._log.bind(start.call_sid, tenant)
        deps = self._deps
        ctx = call_context(deps, plan, self._log)
        self._pacer = Pacer(ctx)
        if deps.recordings is not None and ctx.graph.recording == "record":  # the tenant's setting
            self._recorder = self._input.recorder = deps.recordings.recorder()
        output = TwilioOutput(self._ws, deps.metrics, self._recorder)
        self._pipeline = build_pipeline(ctx, (self._input, output), self._pacer,
                                        stt=MeteredStt(deps.stt, self._usage), tts=MeteredTts(deps.tts, self._usage),
                                        vad=deps.vad_factory(deps.config),
                                        transfer=deps.smoke_transfer if plan.smoke else deps.transfer,
                                        on_downstream=self._on_downstream, on_upstream=self._on_upstream)
        self._started = time.monotonic()
        self._cpu_mark = await asyncio.to_thread(deps.cpu.enter)
        deps.metrics.active_calls.inc()
        self._log.emit("call.started", call_sid=start.call_sid, stream_sid=start.stream_sid, tenant_id=tenant,
                       caller=plan.caller, called=plan.called, config_version=ctx.config_version,
                       config_hash=ctx.config_hash, business_open=ctx.business_open, transport=ctx.transport,
                       smoke=plan.smoke)
        deps.clock.add(self._pacer)
        await self._pipeline.queue_frame(StartFrame(call_sid=start.call_sid, stream_sid=start.stream_sid,
                                                    tenant_id=tenant, caller=plan.caller, called=plan.called))

    async def _on_downstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, HangupFrame):  # everything before it has been written (and heard)
            self._close(frame.reason)

    async def _on_upstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, ErrorFrame):
            self._log.emit("error", error=frame.error, processor=frame.processor, fatal=frame.fatal)
            if frame.fatal:
                self._close("error")

    def _close(self, reason: str) -> None:
        """End the call from our side: closing the stream ends <Connect>, and with it the call."""
        if self._end_reason is None:
            self._end_reason = reason
        if self._closing is None:
            self._closing = asyncio.create_task(self._close_ws(), name="ws-close")

    async def _close_ws(self, code: int = 1000, reason: str | None = None) -> None:
        with contextlib.suppress(Exception):
            await self._ws.close(code, reason)

    async def _end(self, reason: str) -> None:
        if self._pipeline is None or self._pacer is None:
            return
        self._deps.clock.remove(self._pacer)
        await self._pipeline.queue_frame(EndFrame(reason=reason) if reason != "disconnected" else CancelFrame(reason))
        await self._pipeline.cleanup()
        if self._closing is not None:
            await asyncio.gather(self._closing, return_exceptions=True)
        cpu = await asyncio.to_thread(self._deps.cpu.leave, self._cpu_mark)
        self._log.emit("call.usage", **self._usage.as_event(self._deps.stt.name, self._deps.tts.name, cpu))
        self._log.emit("call.ended", reason=reason, duration_ms=round((time.monotonic() - self._started) * 1000))
        if self._recorder is not None and self._deps.recordings is not None:
            self._deps.recordings.submit(self._log, self._recorder)  # stored after the call, off the loop
        self._deps.metrics.active_calls.dec()
        self._deps.metrics.calls.labels(reason).inc()
        self._pipeline = None
