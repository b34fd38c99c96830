"""Hear a recorded call again: its caller leg through the codec, the VAD, the STT, the turn manager and the dialogue.

It runs on a virtual clock, 20 ms of audio per step, as fast as the engines allow: after each frame it waits for
what the STT is doing (a session opening for new hints, a flush at the end of a turn) before the next one, so the
turns do not depend on how fast the machine is. The agent's side is the recorded timeline (`domain.replay.audio.
cues`): when the caller started and stopped hearing the agent, the keys pressed, the transfers that failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.replay.audio import FRAME_S as AUDIO_FRAME_S
from domain.replay.audio import Cue
from voice_runtime.call_events import CallEvent, CallEventLog
from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.context import CallContext
from voice_runtime.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Direction,
    DtmfFrame,
    EndFrame,
    FinalizeSttFrame,
    Frame,
    HangupFrame,
    InputAudioFrame,
    SpeakFrame,
    StartFrame,
    SttFinalizedFrame,
    TransferFrame,
    TransferResultFrame,
)
from voice_runtime.processor import FrameProcessor, Pipeline
from voice_runtime.processors.audio_in import CodecProcessor, VadProcessor
from voice_runtime.processors.dialogue import DialogueProcessor
from voice_runtime.processors.stt import SttProcessor, hints_key
from voice_runtime.processors.turns import TurnManager
from voice_runtime.stt.base import STT_SAMPLE_RATE, SpeechToText, SttStream
from voice_runtime.vad import VoiceActivityDetector

SETTLE_TIMEOUT_S = 30.0
MULAW_SILENCE = b"\xff"
FRAME_S = AUDIO_FRAME_S


class KeptInLog:
    """An event sink that sends nothing anywhere: the log itself holds the replay's events."""

    def offer(self, event: CallEvent) -> None:
        """Accept an event."""


@dataclass
class _Clock:
    t: float = 0.0

    def __call__(self) -> float:
        return self.t


class _ScheduledStt:
    """The engine, with each new session taking over where the call's did (its `stt.session_opened`).

    A recogniser adapts to the audio it has heard, so a session must start at the same point of the recording.
    An open, once ready, waits until the replay's clock reaches the recorded opening of a session with the same
    hints; `busy` counts the opens the replay must wait for before its next frame.
    """

    def __init__(self, inner: SpeechToText, clock: _Clock) -> None:
        self._inner = inner
        self.name = inner.name
        self.supports_hints = inner.supports_hints
        self.sessions: list[Cue] = []
        self._clock = clock
        self._due: list[tuple[float, asyncio.Event]] = []
        self.busy = 0

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        self.busy += 1
        try:
            stream = await self._inner.open(hints=hints)
            key = hints_key(hints)
            cue = next((c for c in self.sessions if c.value == key), None)
            if cue is not None:
                self.sessions.remove(cue)
            if cue is not None and cue.at > self._clock.t:
                due = asyncio.Event()
                self._due.append((cue.at, due))
                self.busy -= 1  # the replay goes on meanwhile, feeding the session in use, as the call did
                await due.wait()  # `release` counted it busy again
            return stream
        finally:
            self.busy -= 1

    def release(self) -> None:
        """Let the sessions due by now take over."""
        for item in [d for d in self._due if d[0] <= self._clock.t]:
            self._due.remove(item)
            self.busy += 1  # until the open has returned and the STT processor uses the new session
            item[1].set()


class _FlushTap(FrameProcessor):
    """Between the STT and the turn manager: counts the flushes asked for and not yet answered."""

    def __init__(self) -> None:
        super().__init__()
        self.flushing = 0

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Count and pass on."""
        if isinstance(frame, FinalizeSttFrame):
            self.flushing += 1
        elif isinstance(frame, SttFinalizedFrame):
            self.flushing = max(0, self.flushing - 1)
        await self.push_frame(frame, direction)


@dataclass
class Heard:
    """What the replay heard and did."""

    events: list[CallEvent]
    said: list[str] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)
    hung_up: bool = False
    wall_s: float = 0.0


class AudioReplay:
    """One replay of a recorded call's caller audio on `ctx`'s graph."""

    def __init__(self, ctx: CallContext, stt: SpeechToText, vad: VoiceActivityDetector, started_at: datetime) -> None:
        self._clock = _Clock()
        self._started_at = started_at
        ctx.now = self._clock
        ctx.events = CallEventLog(KeptInLog(), clock=lambda: started_at + timedelta(seconds=self._clock.t))
        ctx.events.bind("replay", ctx.tenant_id)
        self.ctx = ctx
        self._stt = _ScheduledStt(stt, self._clock)
        self._tap = _FlushTap()
        self._turns = TurnManager(ctx)
        self._dialogue = DialogueProcessor(ctx)
        self._heard = Heard(events=ctx.events.events)
        self._pipeline = Pipeline([CodecProcessor(STT_SAMPLE_RATE), VadProcessor(ctx, vad),
                                   SttProcessor(ctx, self._stt), self._tap, self._turns, self._dialogue],
                                  on_downstream=self._out, on_upstream=self._ignore)

    async def _out(self, frame: Frame, direction: Direction) -> None:
        if isinstance(frame, SpeakFrame):
            self._heard.said.append(frame.text)
        elif isinstance(frame, TransferFrame):
            self._heard.transfers.append(frame.to)
            self.ctx.events.emit("transfer.requested", to=frame.to, kind="replay")
        elif isinstance(frame, HangupFrame):
            self._heard.hung_up = True

    async def _ignore(self, frame: Frame, direction: Direction) -> None:
        return None

    async def _settle(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0)  # let the engine's reader push what this frame produced
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while (self._tap.flushing or self._stt.busy) and time.monotonic() < deadline:
            await asyncio.sleep(0.002)

    async def _cue(self, cue: Cue) -> None:
        t = self._clock.t
        if cue.kind == "bot_started":
            await self._turns.process_frame(BotStartedSpeakingFrame(utterance_id=cue.utterance_id, sent_at=t),
                                            Direction.UPSTREAM)
        elif cue.kind in ("bot_stopped", "bot_interrupted"):
            stopped = BotStoppedSpeakingFrame(utterance_id=cue.utterance_id, interrupted=cue.kind == "bot_interrupted",
                                              heard_ms=0, total_ms=0)
            await self._turns.process_frame(stopped, Direction.UPSTREAM)
        elif cue.kind == "dtmf":
            await self._pipeline.queue_frame(DtmfFrame(digit=cue.value, arrived=t))
        else:
            self.ctx.events.emit("transfer.failed", to=cue.value, kind="replay", error="recorded failure")
            await self._dialogue.process_frame(TransferResultFrame(to=cue.value, ok=False), Direction.UPSTREAM)
        await self._settle()

    async def run(self, mulaw: bytes, cues: Sequence[Cue]) -> Heard:
        """Feed the whole caller leg, 20 ms at a time, with the cues at their times."""
        began = time.monotonic()
        self._stt.sessions = [c for c in cues if c.kind == "stt_session"]
        pending = [c for c in cues if c.kind != "stt_session"]
        await self._pipeline.queue_frame(StartFrame(call_sid="replay", stream_sid="replay"))
        await self._settle()
        # The line after the recording ends is silent: long enough for a turn under way to end as it did live.
        tail = round((self.ctx.config.end_of_turn_silence_ms + self.ctx.config.stt_final_timeout_ms) / 20) + 25
        mulaw = mulaw + MULAW_SILENCE * tail * MULAW_FRAME_BYTES
        for k in range(0, len(mulaw) // MULAW_FRAME_BYTES):
            self._clock.t = k * FRAME_S
            self._stt.release()
            while pending and pending[0].at <= self._clock.t:
                await self._cue(pending.pop(0))
            await self._settle()
            chunk = mulaw[k * MULAW_FRAME_BYTES:(k + 1) * MULAW_FRAME_BYTES]
            await self._pipeline.queue_frame(InputAudioFrame(mulaw=chunk, arrived=self._clock.t))
            await self._settle()
        await self._pipeline.queue_frame(EndFrame(reason="replayed"))
        await self._pipeline.cleanup()
        self._heard.wall_s = time.monotonic() - began
        return self._heard
