"""A call's dialogue re-decided from its recorded events gives the same steps: the runtime records every input
(`turn.ended` with its wall time, `caller.silence`, `transfer.failed`) and decides only on what it recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.objectives import ObjectiveGraph, Outcome, compile_config, fold
from domain.voice.dialogue import call_event
from domain.voice.dialogue.replay import INPUT_EVENTS, dialogue_inputs, replay_dialogue
from tests.unit.voice_runtime.harness import Harness, ListSink, make_ctx, run_test
from voice_runtime.call_events import CallEventLog
from voice_runtime.frames import (
    AudioRawFrame,
    BotStoppedSpeakingFrame,
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

PLUMBER = compile_config((Path(__file__).parents[3] / "examples/tenants/harbour-plumbing.yaml").read_text()).graph
# Wednesday 25 November 2026, 11:58 pm in Sydney: "tomorrow" depends on which wall time a turn is decided at.
LATE = datetime(2026, 11, 25, 12, 58, tzinfo=UTC)
START = StartFrame(call_sid="CA1", stream_sid="MZ1", caller="+61400000001", called="+61290000001")


class RecordedCall:
    """The turn manager and the dialogue processor of one call, fed turns as the VAD and the STT would."""

    def __init__(self, graph: ObjectiveGraph, *, business_open: bool) -> None:
        self.ctx, clock = make_ctx(end_of_turn_silence_ms=200, stt_final_timeout_ms=400)
        self.ctx.graph, self.ctx.business_open, self.ctx.timezone = graph, business_open, "Australia/Sydney"
        self.wall = LATE
        self.ctx.events = CallEventLog(ListSink(), clock=self._tick)
        self.ctx.events.bind("CAreplay", None)
        self.processors = [TurnManager(self.ctx), DialogueProcessor(self.ctx)]
        self.harness = Harness(self.ctx, clock)
        self.t = 0.0

    def _tick(self) -> datetime:
        self.wall += timedelta(seconds=7)  # the events' wall clock: a call that crosses midnight
        return self.wall

    async def frames(self, *frames: Frame) -> None:
        await run_test(self.processors, frames, harness=self.harness)

    async def caller_says(self, text: str) -> None:
        t = self.t + 1.0
        audio = [AudioRawFrame(pcm8k=b"", pcm16k=b"", arrived=t + 0.5 + i * 0.02) for i in range(15)]
        await self.frames(BotStoppedSpeakingFrame(utterance_id=0, interrupted=False, heard_ms=0, total_ms=0),
                          UserStartedSpeakingFrame(onset=t), UserStoppedSpeakingFrame(last_voiced=t + 0.5,
                                                                                      speech_ms=500),
                          *audio, TranscriptionFrame(text, received=t + 0.8))
        self.t = t + 1.0

    @property
    def said(self) -> list[str]:
        return [f.text for f in self.harness.down if isinstance(f, SpeakFrame)]

    @property
    def decided(self) -> list[tuple[str, dict[str, Any]]]:
        """What the dialogue recorded (everything but its inputs and the transfer's own events)."""
        return [(e.type, e.payload) for e in self.ctx.events.events
                if e.type not in INPUT_EVENTS and not e.type.startswith("transfer.")]


def replayed(call: RecordedCall, *, business_open: bool) -> tuple[list[str], list[tuple[str, dict[str, Any]]]]:
    steps = replay_dialogue(call.ctx.graph, dialogue_inputs(call.ctx.events.events), business_open=business_open)
    return [s.say for s in steps if s.say], [call_event(e) for s in steps for e in s.events]


async def test_a_recorded_quote_call_replays_to_the_same_steps() -> None:
    call = RecordedCall(PLUMBER, business_open=True)
    await call.frames(START)
    for line in ["My number is 0412 345 678", "Sorry, hi there, my name is Sam Taylor", "yes", "I need a quote",
                 "yes", "no thanks", "tomorrow at 9 am"]:
        await call.caller_says(line)
    await call.frames(SilenceFrame())
    for line in ["yes", "no, the last digit is nine", "yes", "yes"]:
        await call.caller_says(line)
    assert isinstance(call.harness.down[-1], HangupFrame)
    turns = call.ctx.events.of_type("turn.ended")
    assert len(turns) == 11 and len({t.occurred_at for t in turns}) == 11
    says, decided = replayed(call, business_open=True)
    assert says == call.said and decided == call.decided
    outcomes = [p for t, p in decided if t == "objective.outcome"]
    assert [(o["objective"], o["kind"]) for o in outcomes] == [
        ("name", "confirmed"), ("service", "chosen"), ("phone", "confirmed"), ("email", "declined"),
        ("visit", "confirmed"), ("phone", "corrected")]
    walk = fold(PLUMBER, [Outcome.model_validate(o) for o in outcomes], business_open=True)
    assert walk.captured["phone"] == "+61412345679" and walk.terminal is not None
    said_at = turns[6].occurred_at.astimezone(ZoneInfo("Australia/Sydney")).date()
    assert walk.captured["visit"] == f"{said_at + timedelta(days=1)}T09:00:00+11:00"  # the recorded day's tomorrow


async def test_a_recorded_emergency_call_with_a_failed_transfer_replays_to_the_same_steps() -> None:
    call = RecordedCall(PLUMBER, business_open=False)
    await call.frames(START)
    for line in ["this is Jo Bloggs, there's a burst pipe in the kitchen", "yes", "yes"]:
        await call.caller_says(line)
    (transfer,) = [f for f in call.harness.down if isinstance(f, TransferFrame)]
    assert transfer.to == "+61290000002"
    await call.caller_says("hello?")  # while the transfer is under way: recorded, and decided as nothing
    call.ctx.events.emit("transfer.failed", to=transfer.to, kind="cold", error="busy")
    await call.frames(TransferResultFrame(to=transfer.to, ok=False, error="busy"))
    assert isinstance(call.harness.down[-1], HangupFrame) and "call you back" in call.said[-1]
    says, decided = replayed(call, business_open=False)
    assert says == call.said and decided == call.decided
    assert [p["terminal"]["action"] for t, p in decided if t == "dialogue.ended"] == ["transfer", "call_back"]
