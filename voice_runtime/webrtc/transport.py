"""The WebRTC transport: an input processor at the head of the pipeline and an output one near the end.

They stand where `TwilioInput`/`TwilioOutput` stand and speak the same frames, so every processor between them
(codec, VAD, STT, turns, dialogue, TTS, pacer, transfer) runs a browser call exactly as a phone call:

- `WebRtcInput` feeds the pipeline from one queue, in arrival order: the peer's audio (20 ms pieces at 8 and
  16 kHz), keys from the data channel (`{"type": "dtmf", "digit": "5"}`) and the agent track's mark echoes. The
  turn manager's timers run on inbound frames, so while the peer sends nothing (a stalled network) the input
  feeds silence in its place.
- `WebRtcOutput` hands paced agent audio, marks and `clear` to the agent track (nothing there can block, so it
  needs no writer task); everything else passes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from voice_runtime.frames import (
    AudioRawFrame,
    ClearAudioFrame,
    Direction,
    DtmfFrame,
    Frame,
    MarkFrame,
    PacedAudioFrame,
    PlayoutMarkFrame,
)
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.processor import FrameProcessor
from voice_runtime.webrtc.audio import SILENT_8K, SILENT_16K, PeerAudio
from voice_runtime.webrtc.tracks import AgentTrack

log = logging.getLogger(__name__)
STALL_S = 0.1  # no audio from the peer for this long: feed silence so the turn timers keep running
DTMF_KEYS = frozenset("0123456789*#ABCD")
MAX_MESSAGE_CHARS = 256


class _Ended:
    """Put on the queue when the peer is gone or hung up."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class WebRtcInput(FrameProcessor):
    """Head of the pipeline: what the peer sends, as frames."""

    def __init__(self, metrics: VoiceMetrics) -> None:
        super().__init__()
        self._metrics = metrics
        self._queue: asyncio.Queue[Frame | _Ended] = asyncio.Queue()
        self._audio = PeerAudio()
        self._reader: asyncio.Task[None] | None = None
        self._divert: Callable[[bytes], None] | None = None
        self.on_end: Callable[[str], None] | None = None  # told of every end, also once `run` has returned

    def put(self, frame: Frame) -> None:
        """Queue a frame for the pipeline (from the track reader, the data channel or the agent track)."""
        self._queue.put_nowait(frame)

    def end(self, reason: str) -> None:
        """The peer is gone (`disconnected`) or hung up (`caller_hangup`): `run` returns the first reason."""
        self._queue.put_nowait(_Ended(reason))
        if self.on_end is not None:
            self.on_end(reason)

    def divert(self, to: Callable[[bytes], None]) -> None:
        """From now on the peer's audio (8 kHz PCM16) goes to `to`, not the pipeline (a transfer's bridge)."""
        self._divert = to

    def on_mark(self, name: str) -> None:
        """The agent track played everything before the mark `name`."""
        self.put(MarkFrame(name=name))

    def on_message(self, message: object) -> None:
        """A data channel message: a key press or a hangup; anything else is ignored."""
        data = _parse(message) or {}
        kind, digit = data.get("type"), data.get("digit")
        if kind == "dtmf" and isinstance(digit, str) and digit in DTMF_KEYS:
            self.put(DtmfFrame(digit=digit, arrived=time.monotonic()))
        elif kind == "hangup":
            self.end("caller_hangup")
        else:
            log.info("ignoring a data channel message: %r", str(message)[:80])

    def read(self, track: MediaStreamTrack) -> None:
        """Read the peer's audio track until it ends."""
        if self._reader is None:
            self._reader = asyncio.create_task(self._read(track), name="webrtc-peer-audio")

    async def _read(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                if isinstance(frame, AudioFrame):
                    for pcm8k, pcm16k in self._audio.feed(frame):
                        if self._divert is not None:
                            self._divert(pcm8k)
                        else:
                            self.put(AudioRawFrame(pcm8k=pcm8k, pcm16k=pcm16k, arrived=time.monotonic()))
        except MediaStreamError:
            self.end("disconnected")

    async def run(self) -> str:
        """Feed the pipeline until the peer is gone or hangs up; returns why the call ended."""
        while True:
            try:
                item = await asyncio.wait_for(self._queue.get(), STALL_S)
            except TimeoutError:
                for _ in range(round(STALL_S / 0.02)):
                    await self._feed(AudioRawFrame(pcm8k=SILENT_8K, pcm16k=SILENT_16K, arrived=time.monotonic()))
                continue
            if isinstance(item, _Ended):
                return item.reason
            await self._feed(item)

    async def _feed(self, frame: Frame) -> None:
        began = time.perf_counter()
        await self.push_frame(frame)
        if isinstance(frame, AudioRawFrame):
            self._metrics.observe_frame(time.perf_counter() - began)

    async def cleanup(self) -> None:
        """Stop reading the peer's track (unless its audio is diverted to a bridge: `stop_reading` then)."""
        if self._divert is None:
            await self.stop_reading()

    async def stop_reading(self) -> None:
        """Stop reading the peer's track."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader


def _parse(message: object) -> dict[str, Any] | None:
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return None
    try:
        data = json.loads(message)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class WebRtcOutput(FrameProcessor):
    """Hands the agent's paced audio and marks to the agent track; a `clear` drops what the peer has not heard."""

    def __init__(self, track: AgentTrack, metrics: VoiceMetrics) -> None:
        super().__init__()
        self._track = track
        self._metrics = metrics

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Write audio, marks and clears to the track; pass everything else on."""
        if isinstance(frame, PacedAudioFrame):
            self._track.play(frame.mulaw)
            self._metrics.frames_out.inc()
            if time.monotonic() > frame.deadline:
                self._metrics.late_frames.inc()
        elif isinstance(frame, PlayoutMarkFrame):
            self._track.mark(frame.name)
        elif isinstance(frame, ClearAudioFrame):
            self._track.clear()
        else:
            await self.push_frame(frame, direction)
