"""A caller turn at the objective being pursued: a capture, a choice or a message.

Around each primitive: a correction of an earlier detail goes to that detail first; details for later objectives
are kept; and a turn that answers a later objective but not this one is acknowledged and this question asked
again, without counting it as a failed attempt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.objectives import Node, Outcome
from domain.voice import phrasing
from domain.voice.capture import CallerTurn, CapturePhase, CaptureStep, advance_capture
from domain.voice.choice import advance_choice, phrase_match
from domain.voice.confirm import Answer, read_confirmation
from domain.voice.dialogue.core import DialogueState, DialogueStep, capture_config, join, kind_of, step
from domain.voice.dialogue.corrections import begin_fix, find_correction
from domain.voice.dialogue.prompts import current_prompt
from domain.voice.dialogue.volunteered import scan
from domain.voice.dialogue.walking import enter, record
from domain.voice.kinds import OPS
from domain.voice.message import advance_message


def _found(state: DialogueState, text: str, now: datetime, tz: str,
           exclude: str = "") -> tuple[DialogueState, list[str], list[dict[str, Any]]]:
    """The state keeping what the turn said for later objectives; the objectives new to it; their events."""
    values, phrases = scan(state.graph, state.walk, text, now, tz, exclude=exclude)
    new = [o for o in values if o not in state.volunteered]
    if not values:
        return state, [], []
    kept = state.model_copy(update={"volunteered": {**state.volunteered, **values},
                                    "volunteered_phrases": {**state.volunteered_phrases, **phrases}})
    during = state.walk.at
    return kept, new, [{"type": "dialogue.volunteered", "objective": o, "during": during} for o in new]


def _noted(state: DialogueState, objective: str, events: list[dict[str, Any]]) -> DialogueStep:
    """A detail for a later objective and nothing for this one: say it is kept, ask this question again."""
    kind = kind_of(state.graph, objective)
    noun = phrasing.NOUNS[kind.value] if kind is not None else None
    return step(state, join(phrasing.noted_for_later(noun), current_prompt(state)), events)


def _answers(node: Node, state: DialogueState, turn: CallerTurn, now: datetime, tz: str) -> bool:
    """Whether the turn reads as an answer to this capture (so a named earlier detail needs a correction cue)."""
    capture = state.capture
    kind = capture_config(node).kind
    if capture is not None and capture.phase is CapturePhase.CONFIRMING:
        return read_confirmation(turn.text).answer is not Answer.UNCLEAR
    return OPS[kind].parse(turn.text, now, tz).ok


def _declined(done: CaptureStep) -> bool:
    return any(e.get("type") == "capture.failed" and e.get("reason") == "declined" for e in done.events)


def on_capture_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """A turn at a capture objective."""
    node, capture = state.node, state.capture
    assert node is not None and capture is not None
    config = capture_config(node)
    fix = find_correction(state, turn.text, now, timezone, current=config.kind,
                          answers_current=lambda: _answers(node, state, turn, now, timezone))
    if fix is not None:
        return begin_fix(state, *fix)
    done = advance_capture(config, capture, turn, now=now, timezone=timezone)
    events = [{**e, "objective": node.id} for e in done.events]
    state, new, noted = _found(state, turn.text, now, timezone, exclude=done.state.candidate or "")
    if new and (done.outcome in ("reprompt", "escalate") or (done.outcome == "skip" and not _declined(done))):
        return _noted(state, new[0], noted)
    state = state.model_copy(update={"capture": done.state})
    events += noted
    if done.outcome == "confirmed" and done.state.value is not None:
        state, recorded = record(state, Outcome(objective=node.id, kind="confirmed", value=done.state.value))
        return enter(state, done.say, [*events, *recorded])
    if done.outcome in ("escalate", "skip"):
        kind = "declined" if _declined(done) else "failed"
        state, recorded = record(state, Outcome(objective=node.id, kind=kind))
        return enter(state, done.say if done.outcome == "skip" else "", [*events, *recorded])
    return step(state, done.say, events)


def on_choice_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """A turn at a choice objective."""
    node, choice = state.node, state.choice
    assert node is not None and choice is not None
    fix = find_correction(state, turn.text, now, timezone, current=None,
                          answers_current=lambda: phrase_match(node, turn.text) is not None)
    if fix is not None:
        return begin_fix(state, *fix)
    done = advance_choice(node, choice, turn)
    state, new, noted = _found(state, turn.text, now, timezone)
    if new and done.outcome in ("reprompt", "failed") and choice.phase == "asking":
        return _noted(state, new[0], noted)
    state = state.model_copy(update={"choice": done.state})
    events = [*done.events, *noted]
    if done.outcome == "chosen" and done.state.value is not None:
        state, recorded = record(state, Outcome(objective=node.id, kind="chosen", value=done.state.value))
        return enter(state, done.say, [*events, *recorded])
    if done.outcome == "failed":
        state, recorded = record(state, Outcome(objective=node.id, kind="failed"))
        return enter(state, "", [*events, *recorded])
    return step(state, done.say, events)


def on_message_turn(state: DialogueState, turn: CallerTurn, *, now: datetime, timezone: str) -> DialogueStep:
    """A turn at a message objective (its words are the message; details in it are kept for later)."""
    node, message = state.node, state.message
    assert node is not None and message is not None
    done = advance_message(node, message, turn)
    state, _, noted = _found(state, turn.text, now, timezone)
    state = state.model_copy(update={"message": done.state})
    events = [*done.events, *noted]
    if done.outcome == "taken" and done.state.value is not None:
        state, recorded = record(state, Outcome(objective=node.id, kind="confirmed", value=done.state.value))
        return enter(state, done.say, [*events, *recorded])
    if done.outcome in ("declined", "failed"):
        state, recorded = record(state, Outcome(objective=node.id, kind=done.outcome))
        return enter(state, done.say, [*events, *recorded])
    return step(state, done.say, events)
