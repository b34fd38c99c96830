"""The pacer: agent audio out in real time, 20 ms at a time, with marks that tell us what was heard.

Frames are handed to the output transport on the process's frame clock, `lead` ahead of their playout
time (`PacedAudioFrame.deadline`); one written after its playout time is late (the caller would hear
a gap). Every few frames a mark goes out; its echo says the caller has heard everything before it. On
barge-in the pacer clears the caller's playback (`ClearAudioFrame`), drops what is queued and records
how much of the utterance the caller heard. Hangups and transfers wait until the audio before them
has been heard.

At the caller's speech onset the pacer pauses: `clear` stops what the caller hears at once, the frames
sent but not yet heard go back to the front of the queue, and marks from before the clear are ignored.
A backchannel resumes playback from there; a barge-in drops it all.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.context import CallContext
from voice_runtime.frame_clock import TICK_S
from voice_runtime.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    ClearAudioFrame,
    Direction,
    Frame,
    HangupFrame,
    InterruptionFrame,
    MarkFrame,
    OutputAudioFrame,
    PacedAudioFrame,
    PausePlaybackFrame,
    PlayoutMarkFrame,
    ResumePlaybackFrame,
    TransferFrame,
    TtsStartedFrame,
    TtsStoppedFrame,
)
from voice_runtime.processor import FrameProcessor

MULAW_SILENCE = b"\xff"
GRACE_S = 1.0  # after the last frame's playout time, act even if its mark never came back


@dataclass
class Utterance:
    """One thing the agent says, as the pacer tracks it."""

    id: int
    text: str
    last_voiced: float | None
    requested: float
    frames: int = 0
    sent: int = 0
    heard: int = 0
    generated_all: bool = False
    started: bool = False
    remainder: bytes = b""


class Pacer(FrameProcessor):
    """Owns the outgoing audio queue of one call; the output transport after it writes what it hands over."""

    def __init__(self, ctx: CallContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._queue: deque[tuple[Utterance, bytes]] = deque()
        self._utterances: dict[int, Utterance] = {}
        self._current: Utterance | None = None
        self._next_due = 0.0
        self._pending: list[HangupFrame | TransferFrame] = []
        self._last_playout = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._unheard: deque[tuple[Utterance, bytes]] = deque()  # sent, not yet confirmed by a mark
        self._paused_at: float | None = None
        self._epoch = 0  # bumped by each pause: marks of an older epoch were flushed by `clear`

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Queue audio, track marks, clear on interruption, hold hangups and transfers."""
        if isinstance(frame, TtsStartedFrame):
            self._utterances[frame.utterance_id] = Utterance(frame.utterance_id, frame.text, frame.last_voiced,
                                                             frame.requested)
        elif isinstance(frame, OutputAudioFrame):
            self._enqueue(frame.utterance_id, frame.mulaw, final=False)
        elif isinstance(frame, TtsStoppedFrame):
            self._enqueue(frame.utterance_id, b"", final=True)
        elif isinstance(frame, MarkFrame):
            await self._on_mark(frame.name)
        elif isinstance(frame, InterruptionFrame):
            await self._interrupt(frame.onset)
        elif isinstance(frame, PausePlaybackFrame):
            await self._pause(frame.onset)
        elif isinstance(frame, ResumePlaybackFrame):
            self._resume()
        elif isinstance(frame, HangupFrame | TransferFrame):
            self._pending.append(frame)
        else:
            await self.push_frame(frame, direction)

    def _enqueue(self, utterance_id: int, audio: bytes, *, final: bool) -> None:
        utt = self._utterances.get(utterance_id)
        if utt is None:
            return
        data = utt.remainder + audio
        if final and len(data) % MULAW_FRAME_BYTES:
            data += MULAW_SILENCE * (MULAW_FRAME_BYTES - len(data) % MULAW_FRAME_BYTES)
        whole = len(data) - len(data) % MULAW_FRAME_BYTES
        utt.remainder = data[whole:]
        for i in range(0, whole, MULAW_FRAME_BYTES):
            self._queue.append((utt, data[i:i + MULAW_FRAME_BYTES]))
            utt.frames += 1
        utt.generated_all = final

    @property
    def busy(self) -> bool:
        """Audio queued, or sent and not yet heard."""
        return bool(self._queue) or self._current is not None

    async def on_tick(self, now: float) -> None:
        """Hand over every frame due within the lead; called by the frame clock."""
        if self._paused_at is not None:
            return
        lead = self._ctx.config.pacer_lead_ms / 1000
        if self._queue and self._next_due < now - TICK_S:
            self._next_due = now  # the queue ran dry (TTS slower than real time): restart the playout clock
        while self._queue and self._next_due <= now + lead:
            utt, chunk = self._queue.popleft()
            await self._send_frame(utt, chunk, now)
        if self._pending and not self._queue and self._current is not None and now > self._last_playout + GRACE_S:
            self._finish(self._current, now)  # its last mark never came back: assume it was played
        if self._pending and not self.busy:
            await self._release_pending()

    async def _send_frame(self, utt: Utterance, chunk: bytes, now: float) -> None:
        if not utt.started:
            utt.started = True
            self._current = utt
            self._on_first_frame(utt, now)
        deadline = self._next_due + self._ctx.config.pacer_lead_ms / 1000
        await self.push_frame(PacedAudioFrame(mulaw=chunk, deadline=deadline))
        self._last_playout = self._next_due + TICK_S
        self._next_due += TICK_S
        utt.sent += 1
        self._unheard.append((utt, chunk))
        end_of_utterance = utt.generated_all and utt.sent == utt.frames
        if utt.sent % self._ctx.config.mark_every_frames == 0 or end_of_utterance:
            epoch = f":{self._epoch}" if self._epoch else ""
            await self.push_frame(PlayoutMarkFrame(name=f"u{utt.id}:{utt.sent}{epoch}"))

    def _on_first_frame(self, utt: Utterance, now: float) -> None:
        ttfb_ms = round((now - utt.requested) * 1000)
        v2v_ms = None
        if utt.last_voiced is not None:
            v2v_ms = round((now - utt.last_voiced) * 1000)
            self._ctx.metrics.observe("voice_to_voice", now - utt.last_voiced)
        self._ctx.events.emit("agent.utterance.started", utterance_id=utt.id, text=utt.text,
                              tts_ttfb_ms=ttfb_ms, voice_to_voice_ms=v2v_ms)
        self._spawn_push(BotStartedSpeakingFrame(utterance_id=utt.id, sent_at=now))

    async def _on_mark(self, name: str) -> None:
        try:
            uid_text, count_text, *epoch_text = name[1:].split(":")
            utt = self._utterances.get(int(uid_text))
            count, epoch = int(count_text), int(epoch_text[0]) if epoch_text else 0
        except (ValueError, IndexError):
            return
        if utt is None or utt is not self._current or epoch != self._epoch:
            return  # a mark of an interrupted or paused utterance, echoed after `clear`
        utt.heard = max(utt.heard, count)
        self._prune_unheard(utt)
        if utt.generated_all and utt.heard >= utt.frames:
            self._finish(utt, self._ctx.now())

    def _prune_unheard(self, utt: Utterance) -> None:
        """Keep only the current utterance's frames that no mark has confirmed yet."""
        while self._unheard and (self._unheard[0][0] is not utt or len(self._unheard) > utt.sent - utt.heard):
            self._unheard.popleft()

    def _finish(self, utt: Utterance, now: float) -> None:
        self._current = None
        self._unheard.clear()
        self._utterances.pop(utt.id, None)
        self._ctx.events.emit("agent.utterance.finished", utterance_id=utt.id, duration_ms=utt.frames * 20)
        self._spawn_push(BotStoppedSpeakingFrame(utterance_id=utt.id, interrupted=False,
                                                 heard_ms=utt.heard * 20, total_ms=utt.frames * 20))

    async def _pause(self, onset: float) -> None:
        """Stop being heard now; keep the unheard audio to play on after a backchannel."""
        if self._paused_at is not None:
            return
        self._paused_at = self._ctx.now()
        if self._current is None and not self._queue:
            return  # nothing playing yet: just hold what comes
        await self.push_frame(ClearAudioFrame())
        self._epoch += 1
        if self._current is not None:
            self._prune_unheard(self._current)
            for utt, chunk in reversed(self._unheard):
                self._queue.appendleft((utt, chunk))
                utt.sent -= 1
        self._unheard.clear()

    def _resume(self) -> None:
        self._paused_at = None
        self._next_due = 0.0  # restart the playout clock on the next tick

    async def _interrupt(self, onset: float) -> None:
        utt = self._current
        paused_at, self._paused_at = self._paused_at, None
        self._unheard.clear()
        if not self._queue and utt is None:
            self._utterances.clear()  # nothing was playing yet; the TTS has stopped generating
            return
        if paused_at is None:
            await self.push_frame(ClearAudioFrame())
        now = self._ctx.now()
        stopped = paused_at if paused_at is not None else now  # when the caller stopped hearing the agent
        self._ctx.metrics.observe("barge_in_reaction", stopped - onset)
        self._ctx.events.emit("barge_in", reaction_ms=round((stopped - onset) * 1000))
        self._queue.clear()
        for other in list(self._utterances.values()):
            if other is not utt:
                self._utterances.pop(other.id, None)
        if utt is not None:
            self._current = None
            self._utterances.pop(utt.id, None)
            words = utt.text.split()
            spoken = int(len(words) * min(1.0, utt.heard / utt.frames)) if utt.frames else 0  # words wholly heard
            self._ctx.events.emit("agent.utterance.interrupted", utterance_id=utt.id, heard_ms=utt.heard * 20,
                                  sent_ms=utt.sent * 20, generated_ms=utt.frames * 20,
                                  heard_text=" ".join(words[:spoken]))
            await self.push_frame(BotStoppedSpeakingFrame(utterance_id=utt.id, interrupted=True,
                                                          heard_ms=utt.heard * 20, total_ms=utt.frames * 20),
                                  Direction.UPSTREAM)

    async def _release_pending(self) -> None:
        pending, self._pending = self._pending, []
        for frame in pending:
            await self.push_frame(frame)

    def _spawn_push(self, frame: Frame) -> None:
        """Upstream speaking state in its own task, so the tick that sent the frame never waits on it."""
        task = asyncio.get_running_loop().create_task(self.push_frame(frame, Direction.UPSTREAM))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
