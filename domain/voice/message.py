"""A free-text message as a pure state machine: ask -> take the caller's turn as said -> a short confirmation.

The value is the caller's own words (whitespace tidied, bounded like every turn); nothing is read back, since a
message is whatever the caller chose to say. An optional message may be declined ("no, that's all").
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.objectives import Node
from domain.voice import phrasing
from domain.voice.capture import CallerTurn, bounded
from domain.voice.choice import has_content
from domain.voice.confirm import is_hold, is_repeat_request
from domain.voice.spoken import normalise

MAX_ATTEMPTS = 3
MessageOutcome = Literal["ask", "reprompt", "taken", "declined", "failed"]
# Only a whole turn like these declines: a message may well contain "don't know" or "not sure".
_DECLINES = frozenset({"no", "nope", "nah", "no thanks", "no thank you", "nothing", "no message", "that's all",
                       "that's it", "no that's all", "no that's it", "nothing thanks", "not really", "all good",
                       "no it's fine", "it's fine", "no need"})


class MessageState(BaseModel):
    """A message in progress."""

    model_config = ConfigDict(frozen=True)

    objective: str
    phase: Literal["asking", "taken", "failed"] = "asking"
    value: str | None = None
    reprompts: int = 0


class MessageStep(BaseModel):
    """The new state, what to say, the outcome and the events for the runtime to record."""

    model_config = ConfigDict(frozen=True)

    state: MessageState
    say: str
    outcome: MessageOutcome
    events: list[dict[str, Any]]


def start_message(node: Node) -> MessageStep:
    """The message's question (a fixed phrase with its topic)."""
    state = MessageState(objective=node.id)
    return MessageStep(state=state, say=phrasing.message_question(node.prompt_topic), outcome="ask", events=[])


def is_message_decline(text: str) -> bool:
    """The whole turn declines to leave a message."""
    return " ".join(re.findall(r"[a-z']+", normalise(text))) in _DECLINES


def advance_message(node: Node, state: MessageState, turn: CallerTurn) -> MessageStep:
    """Take one caller turn: the message, a decline, or nothing usable (asked again)."""
    text = " ".join(bounded(turn).text.split())
    if state.phase != "asking":
        return MessageStep(state=state, say="", outcome="taken" if state.phase == "taken" else "failed", events=[])
    if not has_content(text):
        return _reprompt(node, state, phrasing.message_not_heard(node.prompt_topic))
    if len(text.split()) <= 6 and is_hold(text):
        return _reprompt(node, state, phrasing.take_your_time())
    if len(text.split()) <= 6 and is_repeat_request(text):
        return _reprompt(node, state, phrasing.message_question(node.prompt_topic))
    if not node.required and is_message_decline(text):
        new = state.model_copy(update={"phase": "failed"})
        declined = {"type": "message.declined", "objective": node.id}
        return MessageStep(state=new, say=phrasing.skipped(), outcome="declined", events=[declined])
    new = state.model_copy(update={"phase": "taken", "value": text})
    event: dict[str, Any] = {"type": "message.taken", "objective": node.id, "words": len(text.split())}
    return MessageStep(state=new, say=phrasing.message_taken(), outcome="taken", events=[event])


def _reprompt(node: Node, state: MessageState, say: str) -> MessageStep:
    reprompts = state.reprompts + 1
    new = state.model_copy(update={"reprompts": reprompts})
    if reprompts >= MAX_ATTEMPTS:
        failed = new.model_copy(update={"phase": "failed"})
        return MessageStep(state=failed, say="", outcome="failed",
                           events=[{"type": "message.failed", "objective": node.id}])
    return MessageStep(state=new, say=say, outcome="reprompt", events=[])
