"""One call over WebRTC: the peer connection and the call's lifecycle, around the same pipeline a phone call runs.

The session answers the peer's offer (aiortc, no trickle: the answer carries every candidate), waits for the
connection, builds the pipeline around the WebRTC transport pair and runs it until the peer hangs up or goes
away, or we end the call (a hangup or transfer reaching the end of the pipeline, a fatal error, the call's time
limit). The tenant, its configuration and the call sid come from the verified token and the server's records
(a `CallPlan`, as a phone call's), never from the peer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel
from starlette.websockets import WebSocket

from voice_runtime import twilio_serializer as tw
from voice_runtime.call_events import CallEventLog
from voice_runtime.frames import CancelFrame, Direction, EndFrame, ErrorFrame, Frame, HangupFrame, StartFrame
from voice_runtime.pipeline_factory import build_pipeline
from voice_runtime.processor import Pipeline
from voice_runtime.processors.pacer import Pacer
from voice_runtime.routing import CallPlan
from voice_runtime.session import VoiceDeps, call_context
from voice_runtime.transfer import TransferPort
from voice_runtime.usage import CallUsage, MeteredStt, MeteredTts
from voice_runtime.webrtc.bridge import BridgedLeg
from voice_runtime.webrtc.ice import filter_candidates
from voice_runtime.webrtc.tracks import AgentTrack
from voice_runtime.webrtc.transport import WebRtcInput, WebRtcOutput

CONNECT_TIMEOUT_S = 20.0
HOLD_S = 60.0  # a transfer's target that has not answered by then is not coming
LAST_AUDIO_S = 0.3  # after our hangup: let the peer's jitter buffer play the last words before closing


def ice_configuration(urls: list[str]) -> RTCConfiguration:
    """The peer connection's ICE servers; an empty list, never aiortc's default (a public STUN server)."""
    return RTCConfiguration(iceServers=[RTCIceServer(urls=url) for url in urls])


class WebRtcCall:
    """Lives as long as the peer connection; everything slow is behind a queue or a task."""

    def __init__(self, deps: VoiceDeps, plan: CallPlan, *, ice_servers: list[str], max_seconds: float,
                 transfer: TransferPort | None = None, bridges: bool = False) -> None:
        self.plan = plan
        self._deps = deps
        # A smoke plan (a token naming a version) never dials a real phone, as on a phone call.
        self._transfer = deps.smoke_transfer if plan.smoke else transfer or deps.transfer
        self._bridges = bridges and not plan.smoke  # a transfer dials the target and bridges it back (bridge.py)
        self.holding = False
        self._holding = asyncio.Event()  # set once the agent has left (the leg may be answered before that)
        self._released = asyncio.Event()
        self._peer_left = False  # the browser hung up during the hold or the bridge: it needs no "ended"
        self._max_seconds = max_seconds
        self._log = CallEventLog(deps.sink)
        self._input = WebRtcInput(deps.metrics)
        self._track = AgentTrack(self._input.on_mark)
        self._pc = RTCPeerConnection(ice_configuration(ice_servers))
        self._settled = asyncio.Event()  # connected, failed, or ended by us before it connected
        self._gone = False
        self._channel: RTCDataChannel | None = None
        self._pipeline: Pipeline | None = None
        self._pacer: Pacer | None = None
        self._started = 0.0
        self._end_reason: str | None = None
        self._usage = CallUsage()
        self._cpu_mark = 0.0
        self._wire()

    def _wire(self) -> None:
        pc, peer_input = self._pc, self._input

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio":
                peer_input.read(track)

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            self._channel = channel
            channel.on("message", peer_input.on_message)

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "connected":
                self._settled.set()
            elif pc.connectionState in ("failed", "closed"):
                peer_input.end("disconnected")
                self._gone = True
                self._settled.set()
                self._released.set()

    async def answer(self, offer_sdp: str) -> str:
        """Set the peer's offer and return our answer (all candidates gathered)."""
        await self._pc.setRemoteDescription(RTCSessionDescription(sdp=filter_candidates(offer_sdp), type="offer"))
        if not any(t.kind == "audio" for t in self._pc.getTransceivers()):
            raise ValueError("the offer has no audio")
        self._pc.addTrack(self._track)
        await self._pc.setLocalDescription(await self._pc.createAnswer())
        return self._pc.localDescription.sdp

    async def run(self) -> None:
        """Connect, serve the call, end it once."""
        reason = "disconnected"
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), CONNECT_TIMEOUT_S)
            if self._gone or self._end_reason is not None or self._pc.connectionState != "connected":
                return  # it never connected: no call was started, nothing is recorded on its stream
            await self._start()
            try:
                reason = await asyncio.wait_for(self._input.run(), self._max_seconds)
            except TimeoutError:
                reason = "max_duration"
        finally:
            await self._end(self._end_reason or reason)
            if self.holding:
                await self._hold()
            await self._close_pc()

    async def _start(self) -> None:
        plan, deps = self.plan, self._deps
        tenant = str(plan.tenant_id)
        self._log.bind(plan.call_sid, tenant)
        ctx = call_context(deps, plan, self._log, transport="webrtc")
        self._pacer = Pacer(ctx)
        self._pipeline = build_pipeline(ctx, (self._input, WebRtcOutput(self._track, deps.metrics)), self._pacer,
                                        stt=MeteredStt(deps.stt, self._usage), tts=MeteredTts(deps.tts, self._usage),
                                        vad=deps.vad_factory(deps.config), transfer=self._transfer,
                                        on_downstream=self._on_downstream, on_upstream=self._on_upstream)
        self._started = time.monotonic()
        self._cpu_mark = await asyncio.to_thread(deps.cpu.enter)
        deps.metrics.active_calls.inc()
        self._log.emit("call.started", call_sid=plan.call_sid, stream_sid=plan.call_sid, tenant_id=tenant,
                       caller=plan.caller, called=plan.called, config_version=ctx.config_version,
                       config_hash=ctx.config_hash, business_open=ctx.business_open, transport=ctx.transport,
                       smoke=plan.smoke)
        deps.clock.add(self._pacer)
        await self._pipeline.queue_frame(StartFrame(call_sid=plan.call_sid, stream_sid=plan.call_sid,
                                                    tenant_id=tenant, caller=plan.caller, called=plan.called,
                                                    parameters={"transport": "webrtc"}))

    async def _on_downstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, HangupFrame):  # everything before it has been played (its marks came back)
            if frame.reason == "transferred" and self._bridges:
                self._start_holding()
            else:
                self.hang_up(frame.reason)

    def _start_holding(self) -> None:
        """The agent leaves; the browser stays connected until the target's leg joins (or it gives up)."""
        self.holding = True
        self._holding.set()
        self._end_reason = "transferred"
        self._input.divert(lambda pcm8k: None)  # nobody to hear the caller while the target's phone rings
        self._send({"type": "transferring"})
        self._input.end("transferred")  # the pipeline ends; from now on an end (the peer's hangup) releases the hold
        self._input.on_end = self._peer_gone

    def _peer_gone(self, reason: str) -> None:
        self._peer_left = True
        self._released.set()

    async def _hold(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), HOLD_S)
        await self._input.stop_reading()
        if not self._peer_left:  # the target hung up, or never answered: tell the browser it is over
            self._send({"type": "ended", "reason": "transferred"})

    async def join(self, ws: WebSocket, start: tw.Start) -> None:
        """Bridge a held call to its transfer target's media stream, until either side goes."""
        with contextlib.suppress(TimeoutError):  # the agent's last words still play when a quick target answers
            await asyncio.wait_for(self._holding.wait(), HOLD_S)
        if not self.holding or self._released.is_set():
            await ws.close()
            return
        leg = BridgedLeg(ws, start, self._track)
        self._input.divert(leg.from_browser)

        def browser_gone(reason: str) -> None:
            self._peer_gone(reason)
            leg.close()

        self._input.on_end = browser_gone
        await leg.run()
        self._released.set()

    async def _on_upstream(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, ErrorFrame):
            self._log.emit("error", error=frame.error, processor=frame.processor, fatal=frame.fatal)
            if frame.fatal:
                self.hang_up("error")

    def hang_up(self, reason: str) -> None:
        """End the call from our side (the peer is told on the data channel, then the connection closes)."""
        if self._end_reason is None:
            self._end_reason = reason
        self._send({"type": "ended", "reason": reason})
        self._input.end(reason)
        self._settled.set()

    def _send(self, message: dict[str, str]) -> None:
        channel = self._channel
        if channel is not None and channel.readyState == "open":
            with contextlib.suppress(Exception):
                channel.send(json.dumps(message))

    async def _end(self, reason: str) -> None:
        if self._pipeline is None or self._pacer is None:
            return
        self._deps.clock.remove(self._pacer)
        await self._pipeline.queue_frame(EndFrame(reason=reason) if reason != "disconnected" else CancelFrame(reason))
        await self._pipeline.cleanup()
        cpu = await asyncio.to_thread(self._deps.cpu.leave, self._cpu_mark)
        self._log.emit("call.usage", **self._usage.as_event(self._deps.stt.name, self._deps.tts.name, cpu))
        self._log.emit("call.ended", reason=reason, duration_ms=round((time.monotonic() - self._started) * 1000))
        self._deps.metrics.active_calls.dec()
        self._deps.metrics.calls.labels(reason).inc()
        self._pipeline = None

    async def _close_pc(self) -> None:
        if self._end_reason is not None and self._pc.connectionState == "connected":
            await asyncio.sleep(LAST_AUDIO_S)
        self._track.stop()
        with contextlib.suppress(Exception):
            await self._pc.close()

    async def abort(self) -> None:
        """Close a call whose offer was never answered."""
        self._track.stop()
        with contextlib.suppress(Exception):
            await self._pc.close()
