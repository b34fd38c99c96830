"""Calls recorded through the real turn manager and dialogue processor (as the VAD and the STT would feed them),
for replay tests: each caller move becomes the frames the runtime would see, and the call's events are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.objectives import ObjectiveGraph
from domain.replay import ReplayEvent
from domain.voice.dialogue import DialogueState
from tests.unit.voice_runtime.harness import Harness, ListSink, make_ctx, run_test
from voice_runtime.call_events import CallEventLog
from voice_runtime.frames import (
    AudioRawFrame,
    BotStoppedSpeakingFrame,
    DtmfFrame,
    Frame,
    HangupFrame,
    SilenceFrame,
    SpeakFrame,
    StartFrame,
    TranscriptionFrame,
    TransferFrame,
    TransferResultFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voice_runtime.processors.dialogue import DialogueProcessor
from voice_runtime.processors.turns import TurnManager


@dataclass(frozen=True)
class Says:
    """The caller says a line."""

    text: str


@dataclass(frozen=True)
class Keys:
    """The caller presses keys, then #."""

    digits: str


@dataclass(frozen=True)
class Silent:
    """The caller says nothing for the reprompt window."""


@dataclass(frozen=True)
class TransferFails:
    """The transfer the agent asked for does not connect (ignored when none is under way)."""


@dataclass(frozen=True)
class Answers:
    """The caller answers what is being asked, the way a cooperative caller would (`pick` chooses among options)."""

    pick: int = 0


Move = Says | Keys | Silent | TransferFails | Answers
DETAILS = {"name": "my name is Sam Taylor", "phone": "0412 345 678", "email": "sam at example dot com",
           "address": "12 Smith Street Newtown NSW 2042", "date_time": "tomorrow at 9 am"}


def answer(state: DialogueState | None, pick: int) -> str:
    """A cooperative answer to the question the dialogue is asking."""
    node = state.node if state is not None else None
    if state is None or node is None or state.stage != "walking" or state.fix is not None:
        return "yes"
    if state.capture is not None and state.capture.phase == "confirming":
        return "yes"
    if node.type == "choice":
        if state.choice is not None and state.choice.phase == "confirming":
            return "yes"
        phrases = [o.phrases[0] for o in node.options if o.phrases] or ["something else"]
        return phrases[pick % len(phrases)]
    if node.type == "message":
        return "please call me back about the invoice"
    return DETAILS.get(node.capture or "", "yes")


class RecordedCall:
    """One call's turn manager and dialogue processor; its events are what a stored call's stream holds."""

    def __init__(self, graph: ObjectiveGraph, *, business_open: bool, start: datetime,
                 wall_step: Callable[[], timedelta], call_sid: str = "CAreplay") -> None:
        self.ctx, clock = make_ctx(end_of_turn_silence_ms=200, stt_final_timeout_ms=400)
        self.ctx.graph, self.ctx.business_open = graph, business_open
        self.wall, self._step = start, wall_step
        self.ctx.events = CallEventLog(ListSink(), clock=self._tick)
        self.ctx.events.bind(call_sid, None)
        self.dialogue = DialogueProcessor(self.ctx)
        self.processors = [TurnManager(self.ctx), self.dialogue]
        self.harness = Harness(self.ctx, clock)
        self.t = 0.0
        self.call_sid = call_sid
        self._seen = 0  # frames out of the dialogue already acted on

    def _tick(self) -> datetime:
        self.wall += self._step()
        return self.wall

    async def frames(self, *frames: Frame) -> None:
        await run_test(self.processors, frames, harness=self.harness)
        for frame in self.harness.down[self._seen:]:  # what the pacer and the transfer processor would record
            if isinstance(frame, SpeakFrame):
                self.ctx.events.emit("agent.utterance.started", utterance_id=frame.utterance_id, text=frame.text,
                                     tts_ttfb_ms=90, voice_to_voice_ms=600)
            elif isinstance(frame, TransferFrame):
                self.ctx.events.emit("transfer.requested", to=frame.to, kind="cold")
        self._seen = len(self.harness.down)

    async def start(self) -> None:
        self.ctx.events.emit("call.started", call_sid=self.call_sid, stream_sid="MZreplay", tenant_id=None,
                             caller="+61400000001", called="+61290000001", config_version=None,
                             config_hash=self.ctx.graph.config_hash, business_open=self.ctx.business_open,
                             transport="twilio")
        await self.frames(StartFrame(call_sid=self.call_sid, stream_sid="MZreplay"))

    @property
    def closed(self) -> bool:
        return any(isinstance(f, HangupFrame) for f in self.harness.down)

    def _pending_transfer(self) -> TransferFrame | None:
        down = self.harness.down
        last = max((i for i, f in enumerate(down) if isinstance(f, TransferFrame)), default=None)
        if last is None or any(isinstance(f, SpeakFrame | HangupFrame) for f in down[last + 1:]):
            return None
        frame = down[last]
        return frame if isinstance(frame, TransferFrame) else None

    async def says(self, text: str) -> None:
        t = self.t + 1.0
        audio = [AudioRawFrame(pcm8k=b"", pcm16k=b"", arrived=t + 0.5 + i * 0.02) for i in range(15)]
        await self.frames(BotStoppedSpeakingFrame(utterance_id=0, interrupted=False, heard_ms=0, total_ms=0),
                          UserStartedSpeakingFrame(onset=t),
                          UserStoppedSpeakingFrame(last_voiced=t + 0.5, speech_ms=500),
                          *audio, TranscriptionFrame(text, received=t + 0.8))
        self.t = t + 1.0

    async def keys(self, digits: str) -> None:
        t = self.t + 1.0
        await self.frames(*[DtmfFrame(digit=d, arrived=t + i * 0.2) for i, d in enumerate(digits + "#")])
        self.t = t + 0.2 * (len(digits) + 1)

    async def move(self, move: Move) -> None:
        if isinstance(move, Says):
            await self.says(move.text)
        elif isinstance(move, Answers):
            await self.says(answer(self.dialogue.state, move.pick))
        elif isinstance(move, Keys):
            await self.keys(move.digits)
        elif isinstance(move, Silent):
            await self.frames(SilenceFrame())
        elif (transfer := self._pending_transfer()) is not None:
            self.ctx.events.emit("transfer.failed", to=transfer.to, kind="cold", error="busy")
            await self.frames(TransferResultFrame(to=transfer.to, ok=False, error="busy"))

    async def play(self, moves: Sequence[Move]) -> None:
        await self.start()
        for move in moves:
            await self.move(move)
        reason = "dialogue_complete" if self.closed else "caller_hangup"
        self.ctx.events.emit("call.ended", reason=reason, duration_ms=round(self.t * 1000))

    @property
    def said(self) -> list[str]:
        return [f.text for f in self.harness.down if isinstance(f, SpeakFrame)]

    @property
    def events(self) -> list[ReplayEvent]:
        return [ReplayEvent(seq=e.seq, type=e.type, payload=e.payload, occurred_at=e.occurred_at)
                for e in self.ctx.events.events]
