"""The `end` objective's final check: read back everything captured, take a fix in the same breath, then close."""

from __future__ import annotations

from datetime import datetime

from domain.voice import phrasing
from domain.voice.capture import CallerTurn
from domain.voice.confirm import Answer, read_confirmation
from domain.voice.dialogue.closing import close, fix_prompt
from domain.voice.dialogue.core import MAX_FIXES, MAX_SUMMARY_TURNS, DialogueState, DialogueStep, step
from domain.voice.dialogue.corrections import begin_fix, find_correction
from domain.voice.spoken import ParseResult


def on_summary_answer(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """Yes closes the call; no (with or without a correction) goes back to the detail that is wrong."""
    answer, rest = _answer(turn)
    if answer is Answer.YES:
        fix = _correction(state, rest, now, timezone) if rest else None
        if fix is None or not fix[1].ok:
            return close(state, phrasing.closing(), "completed")
    text = rest if answer is not Answer.UNCLEAR else turn.text
    fix = _correction(state, text, now, timezone) if text.strip() else None
    if fix is not None:
        return begin_fix(state, *fix)
    if answer is Answer.NO:
        if state.fixes >= MAX_FIXES:
            return close(state, phrasing.closing_without_confirmation(), "unconfirmed")
        new = state.model_copy(update={"stage": "which", "summary_turns": state.summary_turns + 1})
        return step(new, fix_prompt(new), [{"type": "dialogue.summary_rejected"}])
    return _again(state, phrasing.confirm_again("all correct").replace("was that ", "is that "))


def on_fix_choice(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """The caller names the detail to fix (and maybe the right value)."""
    fix = _correction(state, turn.text, now, timezone)
    if fix is not None:
        return begin_fix(state, *fix)
    return _again(state, fix_prompt(state))


def _correction(state: DialogueState, text: str, now: datetime, tz: str) -> tuple[str, ParseResult] | None:
    return find_correction(state, text, now, tz, current=None, answers_current=lambda: False, in_summary=True)


def _again(state: DialogueState, say: str) -> DialogueStep:
    turns = state.summary_turns + 1
    if turns >= MAX_SUMMARY_TURNS:
        return close(state, phrasing.closing_without_confirmation(), "unconfirmed")
    return step(state.model_copy(update={"summary_turns": turns}), say, [])


def _answer(turn: CallerTurn) -> tuple[Answer, str]:
    if turn.dtmf.strip() == "1" and not turn.text.strip():
        return Answer.YES, ""
    if turn.dtmf.strip() == "2" and not turn.text.strip():
        return Answer.NO, ""
    reading = read_confirmation(turn.text)
    return reading.answer, reading.rest
