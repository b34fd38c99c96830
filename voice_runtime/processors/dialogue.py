"""Dialogue: drives the pure Voice Core dialogue (domain/voice/dialogue.py) and acts on its steps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.voice.capture import CallerTurn
from domain.voice.dialogue import (
    DialogueState,
    DialogueStep,
    on_caller_turn,
    on_silence,
    on_transfer_failed,
    start_dialogue,
)
from voice_runtime.context import CallContext
from voice_runtime.frames import (
    Direction,
    Frame,
    HangupFrame,
    SilenceFrame,
    SpeakFrame,
    StartFrame,
    SttHintsFrame,
    TransferFrame,
    TransferResultFrame,
    UserTurnFrame,
)
from voice_runtime.processor import FrameProcessor


class DialogueProcessor(FrameProcessor):
    """Turns, silences and transfer failures in; speech, hints, hangups and transfers out."""

    def __init__(self, ctx: CallContext, wall_clock: Any = None) -> None:
        super().__init__()
        self._ctx = ctx
        self._wall = wall_clock or (lambda: datetime.now(UTC))
        self._state: DialogueState | None = None
        self._utterances = 0
        self._hints: list[str] | None = None
        self.closed = False

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Ask the pure dialogue what to do next."""
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            transfer_to = self._ctx.extras.get("transfer_to") or None
            await self._apply(start_dialogue(business_name=self._ctx.business_name, transfer_to=transfer_to), None)
        elif isinstance(frame, UserTurnFrame) and self._state is not None and not self.closed:
            turn = CallerTurn(text=frame.text, dtmf=frame.dtmf)
            step = on_caller_turn(self._state, turn, now=self._wall(), timezone=self._ctx.timezone)
            await self._apply(step, frame.last_voiced)
        elif isinstance(frame, SilenceFrame) and self._state is not None and not self.closed:
            self._ctx.events.emit("caller.silence", after_seconds=self._ctx.config.reprompt_after_seconds)
            await self._apply(on_silence(self._state, max_reprompts=self._ctx.config.max_reprompts), None)
        elif isinstance(frame, TransferResultFrame):
            if not frame.ok and self._state is not None:
                self.closed = False
                await self._apply(on_transfer_failed(self._state), None)
        else:
            await self.push_frame(frame, direction)

    async def _apply(self, step: DialogueStep, last_voiced: float | None) -> None:
        self._state = step.state
        for event in step.events:
            data = dict(event)
            self._ctx.events.emit(str(data.pop("type", "dialogue.event")), **data)
        if step.stt_hints != self._hints:
            self._hints = list(step.stt_hints)
            await self.push_frame(SttHintsFrame(hints=self._hints), Direction.UPSTREAM)
        if step.say:
            self._utterances += 1
            await self.push_frame(SpeakFrame(text=step.say, utterance_id=self._utterances, last_voiced=last_voiced))
        if step.action == "speak_and_hangup":
            self.closed = True
            await self.push_frame(HangupFrame(reason="dialogue_complete"))
        elif step.action == "transfer":
            self.closed = True
            target = step.transfer_to or self._ctx.extras.get("transfer_to", "")  # the dialogue always names it
            await self.push_frame(TransferFrame(to=target))
