"""The dialogue's state and step models and the small helpers shared by the dialogue modules."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.voice.capture import CaptureConfig, CaptureKind, CaptureState
from domain.voice.hints import stt_hints

DEFAULT_OBJECTIVES: tuple[CaptureConfig, ...] = (
    CaptureConfig(kind=CaptureKind.NAME),
    CaptureConfig(kind=CaptureKind.PHONE),
)
Stage = Literal["capturing", "summary", "fixing", "closed"]
Action = Literal["speak", "speak_and_hangup", "transfer"]
MAX_SUMMARY_TURNS = 3


class DialogueState(BaseModel):
    """Where the call is: the active objective and capture, what has been captured, silence and summary counters."""

    model_config = ConfigDict(frozen=True)

    business_name: str = ""
    objectives: tuple[CaptureConfig, ...] = DEFAULT_OBJECTIVES
    index: int = 0
    stage: Stage = "capturing"
    capture: CaptureState | None = None
    captured: dict[str, str] = Field(default_factory=dict)
    silence_reprompts: int = 0
    summary_turns: int = 0
    fixing: bool = False
    transfer_to: str | None = None
    prefilled: dict[str, str] = Field(default_factory=dict)


class DialogueStep(BaseModel):
    """What the runtime does next: say `say`, then keep listening, hang up, or transfer."""

    model_config = ConfigDict(frozen=True)

    state: DialogueState
    say: str
    events: list[dict[str, Any]]
    action: Action
    transfer_to: str | None = None
    stt_hints: list[str]


def _hints(state: DialogueState) -> list[str]:
    if state.stage == "capturing" and state.capture is not None:
        return stt_hints(state.capture.kind.value)
    return stt_hints("confirm")


def step(state: DialogueState, say: str, events: list[dict[str, Any]], action: Action) -> DialogueStep:
    """A dialogue step with the recognition hints for whatever the caller is asked next."""
    return DialogueStep(state=state, say=say, events=events, action=action, stt_hints=_hints(state))


def join(*parts: str) -> str:
    """Sentences joined with single spaces, empty ones dropped."""
    return " ".join(p for p in parts if p)
