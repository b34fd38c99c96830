"""The deterministic Voice Core dialogue: greet -> each objective's capture -> confirm everything -> close.

The default objective sequence is name then phone. Phrasing comes from `phrasing` and is the same for every tenant;
only the business name is substituted. Every function is pure: time and timezone are arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.voice import phrasing
from domain.voice.capture import (
    CallerTurn,
    CaptureConfig,
    CaptureKind,
    CapturePhase,
    CaptureState,
    advance_capture,
    bounded,
    start_capture,
)
from domain.voice.confirm import wants_person
from domain.voice.dialogue_core import DEFAULT_OBJECTIVES, DialogueState, DialogueStep, join, step
from domain.voice.dialogue_summary import begin_summary, fix_prompt, on_fix_choice, on_summary_answer, summary_text
from domain.voice.kinds import OPS

_PREFILLABLE = (CaptureKind.PHONE, CaptureKind.EMAIL)
__all__ = [
    "DEFAULT_OBJECTIVES", "DialogueState", "DialogueStep", "current_prompt", "on_caller_turn", "on_silence",
    "on_transfer_failed", "start_dialogue",
]  # fmt: skip


def start_dialogue(
    objectives: Sequence[CaptureConfig] | None = None, business_name: str = "", *, transfer_to: str | None = None
) -> DialogueStep:
    """The greeting and the first question; `transfer_to` is where escalations go (none: offer a call back)."""
    goals = tuple(objectives) if objectives is not None else DEFAULT_OBJECTIVES
    state = DialogueState(business_name=business_name, objectives=goals, transfer_to=transfer_to)
    started = {"type": "dialogue.started", "objectives": [g.kind.value for g in goals]}
    first = _begin_objective(state, 0, prefix=phrasing.greeting(business_name))
    return first.model_copy(update={"events": [started, *first.events]})


def on_caller_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """React to one caller turn (a final transcript and/or DTMF)."""
    if state.stage == "closed":
        return step(state, "", [], "speak_and_hangup")
    turn = bounded(turn)
    if turn.text.strip() or turn.dtmf.strip():
        state = state.model_copy(update={"silence_reprompts": 0})
    if wants_person(turn.text):
        return _caller_wants_person(state)
    if state.stage == "summary":
        return on_summary_answer(state, turn, now=now, timezone=timezone)
    if state.stage == "fixing":
        return on_fix_choice(state, turn, now=now, timezone=timezone)
    return _on_capture_turn(state, turn, now=now, timezone=timezone)


def _on_capture_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    config = state.objectives[state.index]
    current = state.capture or start_capture(config).state
    done = advance_capture(config, current, turn, now=now, timezone=timezone)
    state = _prefill(state.model_copy(update={"capture": done.state}), turn.text, now, timezone)
    if done.outcome == "confirmed" and done.state.value is not None:
        captured = {**state.captured, config.kind.value: done.state.value}
        return _after_objective(state.model_copy(update={"captured": captured}), done.say, done.events)
    if done.outcome == "escalate":
        return _escalate(state, done.events)
    if done.outcome == "skip":
        return _after_objective(state, done.say, done.events)
    return step(state, done.say, done.events, "speak")


def _caller_wants_person(state: DialogueState) -> DialogueStep:
    event: dict[str, Any] = {"type": "dialogue.person_requested", "to": state.transfer_to}
    if state.transfer_to is None:
        return step(state, join(phrasing.no_one_available(), current_prompt(state)), [event], "speak")
    return DialogueStep(
        state=state,
        say=phrasing.escalating(),
        events=[event, {"type": "dialogue.transfer_requested", "to": state.transfer_to, "reason": "caller_asked"}],
        action="transfer",
        transfer_to=state.transfer_to,
        stt_hints=step(state, "", [], "speak").stt_hints,
    )


def _prefill(state: DialogueState, text: str, now: datetime, tz: str) -> DialogueState:
    """A later detail said early ("John Smith, 0412 345 678") is kept and read back when its turn comes."""
    found = dict(state.prefilled)
    for config in state.objectives[state.index + 1 :]:
        kind = config.kind.value
        if config.kind in _PREFILLABLE and kind not in state.captured and kind not in found and text.strip():
            result = OPS[config.kind].parse(text, now, tz)
            if result.ok and result.value is not None:
                found[kind] = result.value
    return state.model_copy(update={"prefilled": found}) if found != state.prefilled else state


def _escalate(state: DialogueState, events: list[dict[str, Any]]) -> DialogueStep:
    if state.transfer_to is None:
        return _after_objective(state, phrasing.no_transfer_target(), events)
    moved = _after_objective(state, "", events)
    transfer = {"type": "dialogue.transfer_requested", "to": state.transfer_to}
    return moved.model_copy(
        update={
            "say": phrasing.escalating(),
            "action": "transfer",
            "transfer_to": state.transfer_to,
            "events": [*moved.events, transfer],
        }
    )


def _after_objective(state: DialogueState, prefix: str, events: list[dict[str, Any]]) -> DialogueStep:
    """Next objective, or the summary (straight back to it after a fix)."""
    if state.fixing or state.index + 1 >= len(state.objectives):
        nxt = begin_summary(state.model_copy(update={"fixing": False}), prefix)
    else:
        nxt = _begin_objective(state, state.index + 1, prefix=prefix)
    return nxt.model_copy(update={"events": [*events, *nxt.events]})


def _begin_objective(state: DialogueState, index: int, *, prefix: str) -> DialogueStep:
    if index >= len(state.objectives):
        return begin_summary(state, prefix)
    config = state.objectives[index]
    event: dict[str, Any] = {"type": "dialogue.objective_started", "kind": config.kind.value, "index": index}
    early = state.prefilled.get(config.kind.value)
    if early is not None:
        capture = CaptureState(kind=config.kind, phase=CapturePhase.CONFIRMING, candidate=early)
        new = state.model_copy(update={"index": index, "stage": "capturing", "capture": capture})
        spoken = OPS[config.kind].readback(early, "")
        parsed = {"type": "capture.parsed", "kind": config.kind.value, "ok": True, "candidate": early, "early": True}
        readback = {"type": "capture.readback", "kind": config.kind.value, "candidate": early, "text": spoken}
        say = join(prefix, phrasing.readback(config.kind.value, spoken))
        return step(new, say, [event, parsed, readback], "speak")
    first = start_capture(config)
    new = state.model_copy(update={"index": index, "stage": "capturing", "capture": first.state})
    return step(new, join(prefix, first.say), [event], "speak")


def on_silence(state: DialogueState, *, max_reprompts: int) -> DialogueStep:
    """The caller said nothing for the silence window: reprompt, then close politely after `max_reprompts`."""
    if state.stage == "closed":
        return step(state, "", [], "speak_and_hangup")
    count = state.silence_reprompts + 1
    if count > max_reprompts:
        closed = state.model_copy(update={"stage": "closed", "silence_reprompts": count})
        ended: dict[str, Any] = {"type": "dialogue.ended", "reason": "silence", "captured": dict(state.captured)}
        return step(closed, phrasing.silence_close(), [ended], "speak_and_hangup")
    new = state.model_copy(update={"silence_reprompts": count})
    event: dict[str, Any] = {"type": "dialogue.silence_reprompt", "count": count}
    return step(new, phrasing.still_there(current_prompt(state)), [event], "speak")


def on_transfer_failed(state: DialogueState) -> DialogueStep:
    """The transfer did not connect: say so and carry on where the dialogue is."""
    event = {"type": "dialogue.transfer_failed", "to": state.transfer_to}
    if state.stage == "closed":
        return step(state, phrasing.transfer_failed_close(), [event], "speak_and_hangup")
    return step(state, join(phrasing.transfer_failed(), current_prompt(state)), [event], "speak")


def current_prompt(state: DialogueState) -> str:
    """What the caller is being asked right now (for reprompts)."""
    if state.stage in ("summary", "fixing"):
        return summary_text(state) if state.stage == "summary" else fix_prompt(state)
    capture = state.capture
    if capture is None:
        return ""
    if capture.phase is CapturePhase.CONFIRMING and capture.candidate is not None:
        return phrasing.silence_prompt_confirm(OPS[capture.kind].readback(capture.candidate, ""))
    return phrasing.question(capture.kind.value)
