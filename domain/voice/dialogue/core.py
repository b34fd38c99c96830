"""The dialogue's state and step models and the small helpers shared by the dialogue modules."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.objectives import Node, ObjectiveGraph, WalkState
from domain.voice.capture import CaptureConfig, CaptureKind, CaptureState
from domain.voice.choice import ChoiceState, has_catch_all
from domain.voice.hints import choice_hints, stt_hints
from domain.voice.message import MessageState

Stage = Literal["walking", "summary", "which", "closed"]
Action = Literal["speak", "speak_and_hangup", "transfer"]
MAX_SUMMARY_TURNS = 3
DEFAULT_TIMEZONE = "Australia/Sydney"
MAX_FIXES = 4  # corrections of earlier details per call: each one re-opens a capture, so they are bounded


class FixState(BaseModel):
    """A detail confirmed earlier, re-opened because the caller corrected it."""

    model_config = ConfigDict(frozen=True)

    objective: str
    capture: CaptureState


class DialogueState(BaseModel):
    """Where the call is: the walk of the graph, the active objective's primitive, what was said early."""

    model_config = ConfigDict(frozen=True)

    graph: ObjectiveGraph
    walk: WalkState
    business_name: str = ""
    timezone: str = DEFAULT_TIMEZONE  # the zone the caller's dates and times are read in
    stage: Stage = "walking"
    capture: CaptureState | None = None
    choice: ChoiceState | None = None
    message: MessageState | None = None
    fix: FixState | None = None
    volunteered: dict[str, str] = Field(default_factory=dict)  # objective id -> value said before it was asked
    volunteered_phrases: dict[str, str] = Field(default_factory=dict)  # choice id -> the option phrase said
    transfer: Literal["walk", "person"] | None = None  # a transfer under way
    silence_reprompts: int = 0
    summary_turns: int = 0
    fixes: int = 0
    person_asks: int = 0
    person_transfers: int = 0

    @property
    def captured(self) -> dict[str, str]:
        """What the walk has confirmed, by objective id (messages included)."""
        return self.walk.captured

    @property
    def node(self) -> Node | None:
        """The objective being pursued (None once the walk has finished)."""
        return self.graph.node(self.walk.at) if self.walk.at is not None else None


class DialogueStep(BaseModel):
    """What the runtime does next: say `say`, then keep listening, hang up, or transfer."""

    model_config = ConfigDict(frozen=True)

    state: DialogueState
    say: str
    events: list[dict[str, Any]]
    action: Action
    transfer_to: str | None = None
    stt_hints: list[str]


def capture_config(node: Node) -> CaptureConfig:
    """The capture primitive's configuration for a capture objective (docs/decisions/0010)."""
    return CaptureConfig(kind=CaptureKind(node.capture or ""), required=node.required,
                         on_failure="escalate" if node.required else "skip")


def kind_of(graph: ObjectiveGraph, objective: str) -> CaptureKind | None:
    """The capture kind of an objective (None for choices and messages)."""
    capture = graph.node(objective).capture
    return CaptureKind(capture) if capture is not None and capture != "message" else None


def _choice_hints(node: Node, confirming: bool) -> list[str]:
    # Hints are a closed vocabulary for some engines: a choice that takes anything ("other") must stay open.
    if has_catch_all(node) and not confirming:
        return []
    return choice_hints([p for o in node.options for p in o.phrases])


def hints(state: DialogueState) -> list[str]:
    """Recognition hints for whatever the caller is asked next."""
    node = state.node
    if state.fix is not None:
        return stt_hints(state.fix.capture.kind.value)
    if state.stage != "walking" or node is None or state.transfer is not None:
        return stt_hints("confirm")
    if node.type == "choice":
        return _choice_hints(node, state.choice is not None and state.choice.phase == "confirming")
    if node.type == "message" or state.capture is None:
        return []
    return stt_hints(state.capture.kind.value)


def step(state: DialogueState, say: str, events: list[dict[str, Any]], action: Action = "speak",
         transfer_to: str | None = None) -> DialogueStep:
    """A dialogue step with the recognition hints for whatever the caller is asked next."""
    return DialogueStep(state=state, say=say, events=events, action=action, transfer_to=transfer_to,
                        stt_hints=hints(state))


def join(*parts: str) -> str:
    """Sentences joined with single spaces, empty ones dropped."""
    return " ".join(p for p in parts if p)


def ended(state: DialogueState, reason: str, terminal: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `dialogue.ended` event: why, what was captured (by objective id) and the graph terminal."""
    if terminal is None and state.walk.terminal is not None:
        terminal = state.walk.terminal.model_dump(mode="json")
    return {"type": "dialogue.ended", "reason": reason, "captured": dict(state.captured), "terminal": terminal}


def objective_event(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An `objective.*` event; its payload is nested because `objective.started` has a field named `type`."""
    return {"type": event_type, "payload": payload}


def call_event(event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(event type, payload) of a step's event, as the runtime records it."""
    if "payload" in event:
        return str(event["type"]), dict(event["payload"])
    payload = dict(event)
    return str(payload.pop("type")), payload
