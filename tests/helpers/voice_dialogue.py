"""A scripted caller for the pure dialogue: walks one smoke path (`covering_paths`) by reacting to what it is asked,
the way the onboarding smoke calls do over audio, and what the dialogue recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.objectives import Node, ObjectiveGraph, Outcome, SmokePath, match_option
from domain.voice.capture import CallerTurn, CapturePhase
from domain.voice.dialogue import DialogueState, DialogueStep, call_event, on_caller_turn, start_dialogue
from tests.helpers.voice_capture import NOW

SPOKEN = {"name": "Sorry, hi there, my name is Sam Lee",
          "phone": "It's oh four one two, three four five, six seven eight", "email": "sam at example dot com",
          "address": "12 Harbour Street, Sydney NSW 2000",
          "date_time": "tomorrow at 9 am", "message": "Please call me back about the leaking tap"}
# What each spoken answer confirms (the smoke paths' own sample values differ only in form for dates and messages).
VALUES = {"name": "Sam Lee", "phone": "+61412345678", "email": "sam@example.com",
          "address": "12 Harbour St, Sydney NSW 2000", "date_time": "2026-11-26T09:00:00+11:00",
          "message": "Please call me back about the leaking tap"}
ANYTHING_ELSE = ("I have a general question", "something else", "just wondering about something")
FILLER = "um"
MAX_TURNS = 80


@dataclass
class Walked:
    """What one scripted call did: every step, the recorded events, the caller's lines."""

    steps: list[DialogueStep]
    lines: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        return [call_event(e) for s in self.steps for e in s.events]

    @property
    def outcomes(self) -> list[Outcome]:
        return [Outcome.model_validate(p) for t, p in self.events if t == "objective.outcome"]

    @property
    def terminal(self) -> dict[str, Any] | None:
        return next((p["terminal"] for t, p in self.events if t == "dialogue.ended" and p["terminal"]), None)

    @property
    def last(self) -> DialogueStep:
        return self.steps[-1]


def option_words(node: Node, option: str) -> str:
    """Words that select `option`: its first phrase that does, or for the catch-all words no other option has."""
    chosen = next(o for o in node.options if o.name == option)
    for phrase in chosen.phrases or ANYTHING_ELSE:
        if match_option(node, phrase) == option:
            return f"I'm calling about {phrase}" if chosen.phrases else phrase
    raise AssertionError(f"no words select {option!r} of {node.id!r}")


def _line(state: DialogueState, planned: Outcome | None) -> str:
    node = state.node
    if state.stage in ("summary", "which"):
        return "yes, that's all correct"
    assert node is not None
    if node.type == "choice":
        if planned is not None and planned.kind == "failed":
            return FILLER  # a choice fails when nothing the caller says can pick an option
        return option_words(node, planned.value if planned and planned.value else node.options[0].name)
    if planned is not None and planned.kind == "declined":
        return "I'd rather not say"
    if node.type == "message":
        return FILLER if planned is not None and planned.kind == "failed" else SPOKEN["message"]
    capture = state.capture
    if capture is not None and capture.phase is CapturePhase.CONFIRMING:
        return "no, that's wrong" if planned is not None and planned.kind == "failed" else "yes"
    return SPOKEN[node.capture or "message"]


def walk_path(graph: ObjectiveGraph, path: SmokePath, *, business_name: str = "") -> Walked:
    """Call on `graph` as the path's caller; stops when the dialogue hangs up or transfers."""
    walked = Walked([start_dialogue(graph, business_open=path.business_open, business_name=business_name)])
    while walked.last.action == "speak" and len(walked.lines) < MAX_TURNS:
        state = walked.last.state
        planned = next((o for o in path.outcomes if o.objective == state.walk.at), None)
        line = _line(state, planned)
        walked.lines.append(line)
        walked.steps.append(on_caller_turn(state, CallerTurn(text=line), now=NOW))
    return walked
