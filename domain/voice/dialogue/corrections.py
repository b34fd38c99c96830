"""Corrections of a detail confirmed earlier, at any point of the call ("actually my number is ...", "no, the last
digit is nine" during the summary): the detail is re-opened, read back, and the call goes back to where it was.

Which detail: the one the caller names ("number", "email", "postcode"), else the most recent one whose kind the
words look like (digits, "at ... dot com", a time of day, "with a y"). Each correction is an `objective.outcome`
of kind `corrected`, so the walk's captured values stay a fold of the outcomes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.objectives import Outcome
from domain.voice import phrasing
from domain.voice.capture import CallerTurn, CaptureConfig, CaptureKind, CapturePhase, CaptureState, advance_capture
from domain.voice.dialogue.closing import begin_summary
from domain.voice.dialogue.core import MAX_FIXES, DialogueState, DialogueStep, FixState, join, kind_of, step
from domain.voice.dialogue.prompts import current_prompt
from domain.voice.dialogue.walking import record
from domain.voice.email import PROVIDERS
from domain.voice.kinds import OPS
from domain.voice.name_spelling import find_respelling
from domain.voice.spoken import ParseResult, normalise, spoken_digits

KEYWORDS: dict[CaptureKind, tuple[str, ...]] = {
    CaptureKind.NAME: ("name", "surname"),
    CaptureKind.PHONE: ("number", "phone", "mobile"),
    CaptureKind.EMAIL: ("email", "e mail"),
    CaptureKind.ADDRESS: ("address", "street", "suburb", "postcode"),
    CaptureKind.DATE_TIME: ("day", "date", "time", "booking"),
}
_NAMED = {kind: re.compile(rf"\b(?:{'|'.join(words)})\b") for kind, words in KEYWORDS.items()}
_CUE = re.compile(r"^(?:no|nope|nah|sorry|actually|wait|oops|hang on)\b|\b(?:actually|i meant|i mean|correction|"
                  r"should be|should have been|instead|wrong|not)\b")
_PHONE_WORDS = re.compile(r"\b(?:digits?|ends? (?:in|with)|area code)\b")
_TIME_WORDS = re.compile(r"\b(?:am|pm|a m|p m|o'clock|morning|afternoon|arvo|evening|tonight|tomorrow|today|noon|"
                         r"midday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week)\b")


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9'@.]+", normalise(text)))


def confirmed_details(state: DialogueState) -> list[str]:
    """Captured details (not messages) in the order they were confirmed, the latest last."""
    seen = dict.fromkeys(v.objective for v in state.walk.visits if v.result == "confirmed")
    return [o for o in seen if o in state.captured and kind_of(state.graph, o) is not None]


def named_kinds(text: str) -> set[CaptureKind]:
    """The kinds of detail the caller names ("my number", "the postcode")."""
    said = _words(text)
    return {kind for kind, named in _NAMED.items() if named.search(said)}


def looks_like(text: str, now: datetime, tz: str) -> set[CaptureKind]:
    """The kinds of detail these words could be a correction of, when none is named."""
    said = _words(text)
    kinds: set[CaptureKind] = set()
    if _PHONE_WORDS.search(said) or len(spoken_digits(said.split())) >= 3:
        kinds.add(CaptureKind.PHONE)
    if "@" in said or any(p in said.split() for p in PROVIDERS) or re.search(r"\bdot (?:com|net|org|au)\b", said):
        kinds.add(CaptureKind.EMAIL)
    if _TIME_WORDS.search(said) or OPS[CaptureKind.DATE_TIME].parse(text, now, tz).ok:
        kinds.add(CaptureKind.DATE_TIME)
    if find_respelling(said.split())[1] is not None:
        kinds.add(CaptureKind.NAME)
    return kinds


def is_correction_cue(text: str) -> bool:
    """The words mark a correction ("no, ...", "actually ...", "it should be ...")."""
    return bool(_CUE.search(_words(text)))


def _changed(state: DialogueState, objective: str, text: str, now: datetime, tz: str) -> ParseResult:
    kind = kind_of(state.graph, objective)
    assert kind is not None
    old = state.captured[objective]
    result = OPS[kind].repair(old, text, now, tz)
    if not result.ok or result.value == old:
        return ParseResult(ok=False, error=result.error or "no_change")
    if kind is CaptureKind.NAME and not set(old.lower().split()) & set((result.value or "").lower().split()):
        return ParseResult(ok=False, error="not_a_correction")  # a whole new name is no correction of a name
    return result


def find_correction(state: DialogueState, text: str, now: datetime, tz: str, *, current: CaptureKind | None,
                    answers_current: Callable[[], bool], in_summary: bool = False) -> tuple[str, ParseResult] | None:
    """The earlier detail this turn corrects and its new value (in the summary, a named detail with no new value
    too: it is asked again); None when the turn is no correction. `answers_current` tells whether the turn reads
    as an answer to the question being asked (asked only when it matters: it parses the turn).
    """
    if state.fixes >= MAX_FIXES or not text.strip():
        return None
    details = list(reversed(confirmed_details(state)))
    if not details:
        return None
    cue = in_summary or is_correction_cue(text)
    named = named_kinds(text) - {current} if current is not None else named_kinds(text)
    for objective in (o for o in details if kind_of(state.graph, o) in named):
        result = _changed(state, objective, text, now, tz)
        if in_summary or (result.ok and (cue or not answers_current())):
            return objective, result
    if named or not cue or answers_current():
        return None
    kinds = looks_like(text, now, tz)
    for objective in (o for o in details if kind_of(state.graph, o) in kinds):
        result = _changed(state, objective, text, now, tz)
        if result.ok:
            return objective, result
    return None


def begin_fix(state: DialogueState, objective: str, result: ParseResult, prefix: str = "") -> DialogueStep:
    """Re-open a detail: straight to the read-back when the new value came with the correction, else ask again."""
    kind = kind_of(state.graph, objective)
    assert kind is not None
    old = state.captured.get(objective)
    event = {"type": "dialogue.fixing", "objective": objective, "kind": kind.value}
    count = state.fixes + 1
    if result.ok and result.value is not None and result.value != old:
        capture = CaptureState(kind=kind, phase=CapturePhase.CONFIRMING, candidate=result.value)
        new = state.model_copy(update={"fix": FixState(objective=objective, capture=capture), "fixes": count})
        readback = {"type": "capture.readback", "objective": objective, "kind": kind.value,
                    "candidate": result.value, "text": result.readback}
        return step(new, join(prefix, phrasing.readback(kind.value, result.readback)), [event, readback])
    capture = CaptureState(kind=kind, phase=CapturePhase.ASKING, candidate=old)
    new = state.model_copy(update={"fix": FixState(objective=objective, capture=capture), "fixes": count})
    return step(new, join(prefix, phrasing.ask_again(kind.value)), [event])


def on_fix_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """A turn while a corrected detail is read back (or asked again)."""
    fix = state.fix
    assert fix is not None
    config = CaptureConfig(kind=fix.capture.kind, on_failure="skip")
    done = advance_capture(config, fix.capture, turn, now=now, timezone=timezone)
    events = [{**e, "objective": fix.objective} for e in done.events]
    if done.outcome == "confirmed" and done.state.value is not None:
        if done.state.value != state.captured.get(fix.objective):
            state, recorded = record(state, Outcome(objective=fix.objective, kind="corrected",
                                                    value=done.state.value))
            events += recorded
        return resume(state.model_copy(update={"fix": None}), done.say, events)
    if done.outcome in ("skip", "escalate"):
        return resume(state.model_copy(update={"fix": None}), "", events)  # the earlier value stands
    new = state.model_copy(update={"fix": fix.model_copy(update={"capture": done.state})})
    return step(new, done.say, events)


def resume(state: DialogueState, prefix: str, events: list[dict[str, Any]]) -> DialogueStep:
    """Back to where the call was before the correction: the summary, or the question being asked."""
    if state.stage in ("summary", "which") or state.walk.terminal is not None:
        return begin_summary(state, prefix, events)
    return step(state, join(prefix, current_prompt(state)), events)
