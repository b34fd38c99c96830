"""Dialogue: drives the pure Voice Core dialogue (domain/voice/dialogue/) on the call's graph and acts on its steps.

Every input the dialogue decides on is a recorded event, and each decision takes only what that event holds: a
caller turn is decided at its `turn.ended` event's wall time (`UserTurnFrame.occurred_at`), a silence after its
`caller.silence` event, a failed transfer after `transfer.failed`. So `domain.voice.dialogue.replay` re-decides a
call from its stream and gets the same steps.
"""

from __future__ import annotations

from domain.voice.capture import CallerTurn
from domain.voice.dialogue import (
    DialogueState,
    DialogueStep,
    call_event,
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

    def __init__(self, ctx: CallContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._state: DialogueState | None = None
        self._utterances = 0
        self._hints: list[str] | None = None
        self.closed = False  # hung up, or handed to a transfer (until it fails)

    @property
    def state(self) -> DialogueState | None:
        """The dialogue's state after the last step (None before the call starts)."""
        return self._state

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Ask the pure dialogue what to do next."""
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            ctx = self._ctx
            await self._apply(start_dialogue(ctx.graph, business_open=ctx.business_open,
                                             business_name=ctx.business_name, timezone=ctx.timezone), None)
        elif isinstance(frame, UserTurnFrame) and self._state is not None:
            if frame.occurred_at is None:
                return  # its `turn.ended` was not recorded (the call had ended): a replay could not decide it either
            turn = CallerTurn(text=frame.text, dtmf=frame.dtmf)
            await self._apply(on_caller_turn(self._state, turn, now=frame.occurred_at), frame.last_voiced)
        elif isinstance(frame, SilenceFrame) and self._state is not None:
            cfg = self._ctx.config
            self._ctx.events.emit("caller.silence", after_seconds=cfg.reprompt_after_seconds,
                                  max_reprompts=cfg.max_reprompts)
            await self._apply(on_silence(self._state, max_reprompts=cfg.max_reprompts), None)
        elif isinstance(frame, TransferResultFrame):
            if not frame.ok and self._state is not None:
                self.closed = False
                await self._apply(on_transfer_failed(self._state), None)
        else:
            await self.push_frame(frame, direction)

    async def _apply(self, step: DialogueStep, last_voiced: float | None) -> None:
        self._state = step.state
        for event in step.events:
            kind, payload = call_event(event)
            self._ctx.events.emit(kind, **payload)
        if self.closed:
            return  # a step after the hangup or during a transfer says and does nothing
        if step.stt_hints != self._hints:
            self._hints = list(step.stt_hints)
            await self.push_frame(SttHintsFrame(hints=self._hints), Direction.UPSTREAM)
        if step.say:
            self._utterances += 1
            await self.push_frame(SpeakFrame(text=step.say, utterance_id=self._utterances, last_voiced=last_voiced))
        if step.action == "speak_and_hangup":
            self.closed = True
            await self.push_frame(HangupFrame(reason="dialogue_complete"))
        elif step.action == "transfer" and step.transfer_to:
            self.closed = True
            await self.push_frame(TransferFrame(to=step.transfer_to))
