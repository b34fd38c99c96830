"""Re-running a call's dialogue from its recorded events: the same inputs give the same steps.

The dialogue's inputs are exactly three kinds of call event, in their recorded order: `turn.ended` (the caller's
words and keys, at the event's `occurred_at`: the wall time the runtime passed as `now`), `caller.silence` (a
silence reprompt window ran out) and `transfer.failed`. Everything else it needs is in `call.started`
(`business_open`) and `dialogue.started` (`business_name`, `timezone`), plus the graph the call ran (found by
`config_hash`). A decision never reads a clock, so `replay_call(graph, events)` returns, step by step, what the
call said, did and recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from domain.objectives import ObjectiveGraph
from domain.voice.capture import CallerTurn
from domain.voice.dialogue.core import DEFAULT_TIMEZONE, DialogueState, DialogueStep
from domain.voice.dialogue.flow import on_caller_turn, on_silence, on_transfer_failed, start_dialogue

INPUT_EVENTS = frozenset({"turn.ended", "caller.silence", "transfer.failed"})
DEFAULT_MAX_REPROMPTS = 2
FROZEN = ConfigDict(frozen=True)


class TurnInput(BaseModel):
    """A caller turn and the wall time it ended (its `turn.ended` event's `occurred_at`)."""

    model_config = FROZEN

    kind: Literal["turn"] = "turn"
    text: str = ""
    dtmf: str = ""
    at: datetime


class SilenceInput(BaseModel):
    """The caller said nothing for the reprompt window (`max_reprompts` is the deployment's setting)."""

    model_config = FROZEN

    kind: Literal["silence"] = "silence"
    max_reprompts: int = DEFAULT_MAX_REPROMPTS


class TransferFailedInput(BaseModel):
    """The transfer the dialogue asked for did not connect."""

    model_config = FROZEN

    kind: Literal["transfer_failed"] = "transfer_failed"


DialogueInput = Annotated[TurnInput | SilenceInput | TransferFailedInput, Field(discriminator="kind")]


class RecordedEvent(Protocol):
    """A call event as stored or emitted: type, payload and wall time."""

    @property
    def type(self) -> str:
        """E.g. `turn.ended`."""
        ...

    @property
    def payload(self) -> dict[str, Any]:
        """The event's fields."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """When the runtime recorded it."""
        ...


def dialogue_inputs(events: Iterable[RecordedEvent]) -> list[DialogueInput]:
    """The dialogue's inputs among a call's events, in order."""
    inputs: list[DialogueInput] = []
    for event in events:
        if event.type == "turn.ended":
            inputs.append(TurnInput(text=str(event.payload.get("text") or ""),
                                    dtmf=str(event.payload.get("dtmf") or ""), at=event.occurred_at))
        elif event.type == "caller.silence":
            inputs.append(SilenceInput(max_reprompts=int(event.payload.get("max_reprompts",
                                                                           DEFAULT_MAX_REPROMPTS))))
        elif event.type == "transfer.failed":
            inputs.append(TransferFailedInput())
    return inputs


def apply_input(state: DialogueState, given: DialogueInput) -> DialogueStep:
    """The dialogue's step for one input."""
    if isinstance(given, TurnInput):
        return on_caller_turn(state, CallerTurn(text=given.text, dtmf=given.dtmf), now=given.at)
    if isinstance(given, SilenceInput):
        return on_silence(state, max_reprompts=given.max_reprompts)
    return on_transfer_failed(state)


def replay_dialogue(graph: ObjectiveGraph, inputs: Sequence[DialogueInput], *, business_open: bool,
                    business_name: str = "", timezone: str = DEFAULT_TIMEZONE) -> list[DialogueStep]:
    """Every step of a dialogue: the start, then one per input."""
    steps = [start_dialogue(graph, business_open=business_open, business_name=business_name, timezone=timezone)]
    for given in inputs:
        steps.append(apply_input(steps[-1].state, given))
    return steps


def replay_call(graph: ObjectiveGraph, events: Sequence[RecordedEvent]) -> list[DialogueStep]:
    """The dialogue of a recorded call, re-decided from its events on the graph it ran."""
    called = next((e.payload for e in events if e.type == "call.started"), {})
    started = next((e.payload for e in events if e.type == "dialogue.started"), {})
    return replay_dialogue(graph, dialogue_inputs(events), business_open=bool(called.get("business_open", True)),
                           business_name=str(started.get("business_name") or ""),
                           timezone=str(started.get("timezone") or DEFAULT_TIMEZONE))
