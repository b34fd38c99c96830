"""The dialogue's final check: read back everything captured, take a fix in the same breath, then close."""

from __future__ import annotations

import re
from datetime import datetime

from domain.voice import phrasing
from domain.voice.capture import CallerTurn, CaptureKind, CapturePhase, CaptureState
from domain.voice.confirm import Answer, read_confirmation
from domain.voice.dialogue_core import MAX_SUMMARY_TURNS, DialogueState, DialogueStep, join, step
from domain.voice.kinds import OPS
from domain.voice.spoken import ParseResult, normalise

KEYWORDS: dict[CaptureKind, tuple[str, ...]] = {
    CaptureKind.NAME: ("name", "surname"),
    CaptureKind.PHONE: ("number", "phone", "mobile"),
    CaptureKind.EMAIL: ("email", "e mail"),
    CaptureKind.ADDRESS: ("address", "street", "suburb", "postcode"),
    CaptureKind.DATE_TIME: ("day", "date", "time", "booking"),
}
# Without a keyword, only kinds whose values cannot be mistaken for ordinary words are guessed from the words alone.
_GUESSABLE = (CaptureKind.PHONE, CaptureKind.EMAIL, CaptureKind.DATE_TIME, CaptureKind.ADDRESS)


def summary_text(state: DialogueState) -> str:
    """E.g. "So I've got: name, John Smith; number, oh four one two, .... Is that all correct?"."""
    parts: list[tuple[str, str]] = []
    for config in state.objectives:
        value = state.captured.get(config.kind.value)
        if value is not None and all(n != phrasing.NOUNS[config.kind.value] for n, _ in parts):
            parts.append((phrasing.NOUNS[config.kind.value], OPS[config.kind].readback(value, "")))
    return phrasing.summary(parts)


def fix_prompt(state: DialogueState) -> str:
    """Which captured detail should be fixed."""
    kinds = [c.kind.value for c in state.objectives if c.kind.value in state.captured]
    return phrasing.which_detail([phrasing.NOUNS[k] for k in dict.fromkeys(kinds)])


def begin_summary(state: DialogueState, prefix: str) -> DialogueStep:
    """Move to the final check, or close straight away when nothing was captured."""
    if not state.captured:
        return close(state, join(prefix, phrasing.closing_nothing_captured()), "nothing_captured")
    new = state.model_copy(update={"stage": "summary", "capture": None, "summary_turns": 0})
    event = {"type": "dialogue.summary", "captured": dict(state.captured)}
    return step(new, join(prefix, summary_text(new)), [event], "speak")


def close(state: DialogueState, say: str, reason: str) -> DialogueStep:
    """End the call with `say`."""
    closed = state.model_copy(update={"stage": "closed", "capture": None})
    event = {"type": "dialogue.ended", "reason": reason, "captured": dict(state.captured)}
    return step(closed, say, [event], "speak_and_hangup")


def on_summary_answer(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """Yes closes the call; no (with or without a correction) goes back to the detail that is wrong."""
    answer, rest = _answer(turn)
    if answer is Answer.YES:
        fix = _correction(state, rest, now, timezone, guess=True) if rest else None
        if fix is None or not fix[1].ok:
            return close(state, phrasing.closing(), "completed")
    text = rest if answer is not Answer.UNCLEAR else turn.text
    fix = _correction(state, text, now, timezone, guess=True) if text.strip() else None
    if fix is not None:
        return _fix(state, *fix)
    if answer is Answer.NO:
        new = state.model_copy(update={"stage": "fixing", "summary_turns": state.summary_turns + 1})
        return step(new, fix_prompt(new), [{"type": "dialogue.summary_rejected"}], "speak")
    return _again(state, phrasing.confirm_again("all correct").replace("was that ", "is that "))


def on_fix_choice(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """The caller names the detail to fix (and maybe the right value)."""
    fix = _correction(state, turn.text, now, timezone, guess=True)
    if fix is not None:
        return _fix(state, *fix)
    return _again(state, fix_prompt(state))


def _again(state: DialogueState, say: str) -> DialogueStep:
    turns = state.summary_turns + 1
    if turns >= MAX_SUMMARY_TURNS:
        return close(state, phrasing.closing_without_confirmation(), "unconfirmed")
    return step(state.model_copy(update={"summary_turns": turns}), say, [], "speak")


def _answer(turn: CallerTurn) -> tuple[Answer, str]:
    if turn.dtmf.strip() == "1" and not turn.text.strip():
        return Answer.YES, ""
    if turn.dtmf.strip() == "2" and not turn.text.strip():
        return Answer.NO, ""
    reading = read_confirmation(turn.text)
    return reading.answer, reading.rest


def _correction(
    state: DialogueState, text: str, now: datetime, tz: str, *, guess: bool
) -> tuple[int, ParseResult] | None:
    """(objective index, parse of the new value) for the detail the caller is correcting."""
    said = " ".join(re.findall(r"[a-z0-9']+", normalise(text)))
    for index, config in enumerate(state.objectives):
        if any(re.search(rf"\b{k}\b", said) for k in KEYWORDS[config.kind]):
            old = state.captured.get(config.kind.value)
            ops = OPS[config.kind]
            return index, ops.repair(old, text, now, tz) if old else ops.parse(text, now, tz)
    if not guess:
        return None
    for index, config in enumerate(state.objectives):
        old = state.captured.get(config.kind.value)
        if config.kind in _GUESSABLE and old is not None:
            result = OPS[config.kind].parse(text, now, tz)
            if result.ok and result.value != old:
                return index, result
    return None


def _fix(state: DialogueState, index: int, result: ParseResult) -> DialogueStep:
    """Re-open one capture: straight to the read-back when the new value came with the "no", else ask again."""
    config = state.objectives[index]
    old = state.captured.get(config.kind.value)
    event = {"type": "dialogue.fixing", "kind": config.kind.value}
    if result.ok and result.value is not None and result.value != old:
        capture = CaptureState(kind=config.kind, phase=CapturePhase.CONFIRMING, candidate=result.value)
        new = state.model_copy(update={"stage": "capturing", "index": index, "capture": capture, "fixing": True})
        readback = {"type": "capture.readback", "kind": config.kind.value, "candidate": result.value,
                    "text": result.readback}  # fmt: skip
        return step(new, phrasing.readback(config.kind.value, result.readback), [event, readback], "speak")
    capture = CaptureState(kind=config.kind, phase=CapturePhase.ASKING, candidate=old)
    new = state.model_copy(update={"stage": "capturing", "index": index, "capture": capture, "fixing": True})
    return step(new, phrasing.ask_again(config.kind.value), [event], "speak")
