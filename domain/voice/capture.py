"""One capture as a pure state machine: ask -> parse -> read back -> confirm or repair -> escalate or skip."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.voice import phrasing
from domain.voice.address import parse_address
from domain.voice.confirm import Answer, is_decline, is_hold, is_refusal, is_repeat_request, read_confirmation
from domain.voice.datetime_capture import parse_date_time
from domain.voice.email import parse_email
from domain.voice.hints import stt_hints
from domain.voice.kinds import OPS, CaptureKind
from domain.voice.name import parse_name
from domain.voice.phone import parse_phone, parse_phone_dtmf
from domain.voice.spoken import ParseResult

__all__ = [
    "CallerTurn", "CaptureConfig", "CaptureKind", "CapturePhase", "CaptureState", "CaptureStep", "ParseResult",
    "advance_capture", "parse_address", "parse_date_time", "parse_email", "parse_name", "parse_phone",
    "parse_phone_dtmf", "start_capture", "stt_hints",
]  # fmt: skip

# About a minute of speech; longer turns are cut so one turn can never hold up the real-time loop.
MAX_TURN_CHARS = 800
Outcome = Literal["ask", "readback", "confirmed", "repair", "reprompt", "escalate", "skip"]
# Errors that mean "part of it is missing": the caller is asked for the rest, and the next turn adds to this one.
INCOMPLETE: dict[CaptureKind, frozenset[str]] = {
    CaptureKind.PHONE: frozenset({"missing_area_code", "too_short", "invalid_number"}),
    CaptureKind.EMAIL: frozenset({"missing_at", "missing_local_part", "missing_domain_suffix"}),
    CaptureKind.ADDRESS: frozenset({"missing_suburb", "missing_postcode", "missing_street_type"}),
}


class CaptureConfig(BaseModel):
    """How one detail is captured: its kind, how many failed attempts are allowed, and what happens after."""

    model_config = ConfigDict(frozen=True)

    kind: CaptureKind
    max_attempts: int = Field(default=3, ge=1, le=10)
    on_failure: Literal["escalate", "skip"] = "skip"
    required: bool = True


class CallerTurn(BaseModel):
    """One caller turn: a final transcript and/or DTMF digits."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    dtmf: str = ""


class CapturePhase(StrEnum):
    """Where a capture is."""

    ASKING = "asking"
    CONFIRMING = "confirming"
    CONFIRMED = "confirmed"
    FAILED = "failed"


class CaptureState(BaseModel):
    """A capture in progress; `candidate` is what was read back, `value` what the caller confirmed."""

    model_config = ConfigDict(frozen=True)

    kind: CaptureKind
    phase: CapturePhase
    candidate: str | None = None
    value: str | None = None
    attempts: int = 0
    reprompts: int = 0
    partial: str = ""  # an answer that lacked a part ("42 Wallaby Way, Sydney"): the next turn completes it


class CaptureStep(BaseModel):
    """The new state, what to say, the outcome and the events for the runtime to record."""

    model_config = ConfigDict(frozen=True)

    state: CaptureState
    say: str
    outcome: Outcome
    events: list[dict[str, Any]]


def start_capture(config: CaptureConfig) -> CaptureStep:
    """The first question of a capture."""
    state = CaptureState(kind=config.kind, phase=CapturePhase.ASKING)
    return CaptureStep(state=state, say=phrasing.question(config.kind), outcome="ask", events=[])


def advance_capture(
    config: CaptureConfig, state: CaptureState, turn: CallerTurn, *, now: datetime, timezone: str
) -> CaptureStep:
    """Take one caller turn; `now` and `timezone` resolve relative dates ("tomorrow arvo")."""
    turn = bounded(turn)
    if state.phase is CapturePhase.CONFIRMED:
        return CaptureStep(state=state, say="", outcome="confirmed", events=[])
    if state.phase is CapturePhase.FAILED:
        return CaptureStep(state=state, say="", outcome=config.on_failure, events=[])
    if state.phase is CapturePhase.CONFIRMING and state.candidate is not None:
        return _confirming(config, state, state.candidate, turn, now, timezone)
    return _asking(config, state, turn, now, timezone)


def bounded(turn: CallerTurn) -> CallerTurn:
    """The turn with its transcript and keys cut to a sane length."""
    if len(turn.text) <= MAX_TURN_CHARS and len(turn.dtmf) <= 40:
        return turn
    return CallerTurn(text=turn.text[:MAX_TURN_CHARS], dtmf=turn.dtmf[:40])


def _asking(config: CaptureConfig, state: CaptureState, turn: CallerTurn, now: datetime, tz: str) -> CaptureStep:
    if not turn.text.strip() and not _digits(turn.dtmf):
        return _reprompt(config, state, phrasing.not_heard(config.kind))
    refused = not turn.dtmf and is_refusal(turn.text)
    if not config.required and turn.text.strip() and (is_decline(turn.text) or refused) and not turn.dtmf:
        return _fail(config, state, "declined", outcome="skip")
    result, partial = (ParseResult(ok=False, error="refused"), "") if refused else _parse_turn(
        config.kind, state, turn, now, tz)
    if not result.ok and not turn.dtmf and is_hold(turn.text):
        return _reprompt(config, state, phrasing.take_your_time())
    if not result.ok and not turn.dtmf and is_repeat_request(turn.text):
        return _reprompt(config, state, phrasing.question(config.kind))
    if result.ok and result.value is not None:
        return _read_back(state, result, [_event("capture.parsed", state, ok=True, candidate=result.value)])
    attempts = state.attempts + 1
    failed = state.model_copy(update={"attempts": attempts, "partial": partial})
    event = _event("capture.parsed", state, ok=False, error=result.error)
    if attempts >= config.max_attempts:
        return _fail(config, failed, result.error or "unparsed", lead=[event])
    say = phrasing.not_understood(config.kind, result.error)
    return CaptureStep(state=failed, say=say, outcome="reprompt", events=[event])


def _parse_turn(
    kind: CaptureKind, state: CaptureState, turn: CallerTurn, now: datetime, tz: str
) -> tuple[ParseResult, str]:
    """What the turn yields, with what to keep for the next turn when a part is still missing."""
    ops = OPS[kind]
    if kind is CaptureKind.PHONE and _digits(turn.dtmf):
        return parse_phone_dtmf(turn.dtmf), ""
    result = ops.parse(turn.text, now, tz)
    if result.ok:
        return result, ""
    incomplete = INCOMPLETE.get(kind, frozenset())
    keep = " ".join(turn.text.split()) if result.error in incomplete else ""
    for joined in _joined(kind, state, turn):
        completed = ops.parse(joined, now, tz)
        if completed.ok:
            return completed, ""
        if not keep and completed.error in incomplete:
            result, keep = completed, joined  # "42 Wallaby Way" then "Sydney": the postcode is still to come
    if state.candidate is not None:
        repaired = ops.repair(state.candidate, turn.text, now, tz)
        if repaired.ok:
            return repaired, ""
    return result, keep[-MAX_TURN_CHARS:]


def _joined(kind: CaptureKind, state: CaptureState, turn: CallerTurn) -> list[str]:
    """The earlier, incomplete answer with this turn after it (and, for an area code said last, before it)."""
    if not state.partial or not turn.text.strip():
        return []
    text = " ".join(turn.text.split())
    joined = [f"{state.partial} {text}"]
    return [*joined, f"{text} {state.partial}"] if kind is CaptureKind.PHONE else joined


def _confirming(
    config: CaptureConfig, state: CaptureState, candidate: str, turn: CallerTurn, now: datetime, tz: str
) -> CaptureStep:
    answer, rest = _answer(turn)
    if config.kind is CaptureKind.PHONE and len(_digits(turn.dtmf)) > 2:
        answer, result = Answer.NO, parse_phone_dtmf(turn.dtmf)
    elif answer is Answer.UNCLEAR and not turn.text.strip():
        return _reprompt(config, state, phrasing.confirm_again(_spoken(config.kind, candidate, tz)))
    else:
        text = rest if answer is not Answer.UNCLEAR else turn.text
        result = OPS[config.kind].repair(candidate, text, now, tz) if text.strip() else ParseResult(ok=False)
    changed = result.ok and result.value is not None and result.value != candidate
    if answer is Answer.YES and not changed:
        return _confirm(state)
    if answer is Answer.UNCLEAR and result.ok and result.value == candidate:
        return _confirm(state)  # the caller repeated the same value back
    if answer is Answer.UNCLEAR and not changed:
        return _reprompt(config, state, phrasing.confirm_again(_spoken(config.kind, candidate, tz)))
    return _rejected(config, state, result if changed else None)


def _answer(turn: CallerTurn) -> tuple[Answer, str]:
    key = _digits(turn.dtmf)
    if key == "1" and not turn.text.strip():
        return Answer.YES, ""
    if key == "2" and not turn.text.strip():
        return Answer.NO, ""
    reading = read_confirmation(turn.text)
    return reading.answer, reading.rest


def _rejected(config: CaptureConfig, state: CaptureState, correction: ParseResult | None) -> CaptureStep:
    """A "no" (or a different value) to the read-back; a correction in the same breath is read back at once."""
    attempts = state.attempts + 1
    rejected = state.model_copy(update={"attempts": attempts, "reprompts": 0})
    event = _event("capture.rejected", state, candidate=state.candidate)
    if attempts >= config.max_attempts:
        return _fail(config, rejected, "rejected", lead=[event])
    if correction is not None and correction.value is not None:
        repaired = _event("capture.repaired", state, before=state.candidate, after=correction.value)
        return _read_back(rejected, correction, [event, repaired], outcome="repair")
    asking = rejected.model_copy(update={"phase": CapturePhase.ASKING, "partial": ""})
    return CaptureStep(state=asking, say=phrasing.ask_again(config.kind), outcome="repair", events=[event])


def _read_back(
    state: CaptureState, result: ParseResult, events: list[dict[str, Any]], outcome: Outcome = "readback"
) -> CaptureStep:
    update = {"phase": CapturePhase.CONFIRMING, "candidate": result.value, "reprompts": 0, "partial": ""}
    new = state.model_copy(update=update)
    readback = _event("capture.readback", new, candidate=result.value, text=result.readback)
    return CaptureStep(
        state=new, say=phrasing.readback(state.kind, result.readback), outcome=outcome, events=[*events, readback]
    )


def _confirm(state: CaptureState) -> CaptureStep:
    new = state.model_copy(update={"phase": CapturePhase.CONFIRMED, "value": state.candidate, "reprompts": 0})
    event = _event("capture.confirmed", new, value=state.candidate, attempts=state.attempts)
    return CaptureStep(state=new, say=phrasing.confirmed(), outcome="confirmed", events=[event])


def _reprompt(config: CaptureConfig, state: CaptureState, say: str) -> CaptureStep:
    reprompts = state.reprompts + 1
    new = state.model_copy(update={"reprompts": reprompts})
    if reprompts >= config.max_attempts:
        return _fail(config, new, "no_answer")
    return CaptureStep(state=new, say=say, outcome="reprompt", events=[])


def _fail(
    config: CaptureConfig,
    state: CaptureState,
    reason: str,
    *,
    outcome: Literal["escalate", "skip"] | None = None,
    lead: list[dict[str, Any]] | None = None,
) -> CaptureStep:
    final = outcome or config.on_failure
    new = state.model_copy(update={"phase": CapturePhase.FAILED})
    events = [*(lead or []), _event("capture.failed", new, reason=reason, attempts=new.attempts)]
    if final == "escalate":
        events.append(_event("capture.escalated", new, reason=reason))
        return CaptureStep(state=new, say=phrasing.escalating(), outcome="escalate", events=events)
    events.append(_event("capture.skipped", new, reason=reason))
    return CaptureStep(state=new, say=phrasing.skipped(), outcome="skip", events=events)


def _event(kind: str, state: CaptureState, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "kind": state.kind.value, **fields}


def _digits(dtmf: str) -> str:
    return "".join(ch for ch in dtmf if ch.isdigit())


def _spoken(kind: CaptureKind, value: str, tz: str) -> str:
    return OPS[kind].readback(value, tz)
