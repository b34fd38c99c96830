"""A choice as a pure state machine: ask (a fixed phrase with the objective's topic) -> match an option -> chosen;
no match -> the options offered as plain phrases, then `failed` when the attempts run out.

An option the caller named before the choice was asked ("my name's Sam, I've got a burst pipe") is checked when
its turn comes ("You mentioned burst pipe. Is that right?") instead of being asked again. Matching is
`domain.objectives.match_option` (whole words, longest phrase first, else the catch-all if anything was said).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.objectives import Node, match_option
from domain.voice import phrasing
from domain.voice.capture import CallerTurn, bounded
from domain.voice.confirm import Answer, is_hold, is_refusal, is_repeat_request, read_confirmation
from domain.voice.email import PROVIDERS
from domain.voice.spoken import DIGIT_WORDS, normalise

MAX_ATTEMPTS = 3
ChoiceOutcome = Literal["ask", "readback", "reprompt", "chosen", "failed"]
# Sounds that carry no answer: a turn of only these is asked again, never taken as the catch-all option.
FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "oh", "mm", "hmm", "hm", "hello", "hi", "hey",
                     "yeah", "so", "well", "ok", "okay", "right"})
# The words that frame a detail ("my number is", "call me on"): a turn of only these and the detail itself
# ("my number is 0412 345 678") answers no choice, not even the catch-all.
_FRAMING = frozenset({"my", "number", "is", "it's", "its", "it", "phone", "mobile", "email", "e-mail", "address",
                      "on", "at", "dot", "com", "au", "me", "call", "you", "can", "reach", "the", "and", "that's",
                      "double", "triple", "plus", "area", "code", "landline", "oh", "sure", "here", "a"})


class ChoiceState(BaseModel):
    """A choice in progress; `candidate`/`phrase` is an option named early, being checked."""

    model_config = ConfigDict(frozen=True)

    objective: str
    phase: Literal["asking", "confirming", "chosen", "failed"] = "asking"
    candidate: str | None = None
    phrase: str | None = None
    value: str | None = None
    attempts: int = 0
    reprompts: int = 0


class ChoiceStep(BaseModel):
    """The new state, what to say, the outcome and the events for the runtime to record."""

    model_config = ConfigDict(frozen=True)

    state: ChoiceState
    say: str
    outcome: ChoiceOutcome
    events: list[dict[str, Any]]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", normalise(text))


def has_content(text: str) -> bool:
    """Whether the turn says anything beyond fillers ("um", "hello")."""
    return any(w not in FILLERS for w in _words(text))


def only_details(text: str) -> bool:
    """Whether the turn is nothing but a detail and its framing ("my number is 0412 345 678", "jo at gmail dot
    com"): no words left that could answer a question about something else.
    """
    words = [w.strip("._-") for w in re.findall(r"[a-z0-9'@._-]+", normalise(text))]  # "else." ends a sentence
    rest = [w for w in words if w and w not in _FRAMING and w not in FILLERS and w not in DIGIT_WORDS
            and w not in PROVIDERS and not any(ch.isdigit() or ch in "@." for ch in w)]
    return len(rest) <= 1


def phrase_match(node: Node, text: str) -> tuple[str, str] | None:
    """(option, phrase) for an option phrase said in `text` (whole words, longest first); the catch-all never."""
    spoken = " ".join(_words(text))
    pairs = sorted(((p, o.name) for o in node.options for p in o.phrases), key=lambda pair: -len(pair[0]))
    for phrase, name in pairs:
        words = " ".join(_words(phrase))
        if words and re.search(rf"(?<![a-z0-9']){re.escape(words)}(?![a-z0-9'])", spoken):
            return name, phrase
    return None


def has_catch_all(node: Node) -> bool:
    """Whether anything said picks an option (an option without phrases)."""
    return any(not o.phrases for o in node.options)


def offered_phrases(node: Node) -> list[str]:
    """The first phrase of each option, the plain words a caller is offered after a miss."""
    return [o.phrases[0] for o in node.options if o.phrases][:5]


def question(node: Node) -> str:
    """The choice's question (a fixed phrase with its topic)."""
    return phrasing.choice_question(node.prompt_topic)


def start_choice(node: Node, volunteered: tuple[str, str] | None = None) -> ChoiceStep:
    """Ask, or check the option the caller named earlier (`volunteered`: option, phrase)."""
    if volunteered is not None:
        option, phrase = volunteered
        state = ChoiceState(objective=node.id, phase="confirming", candidate=option, phrase=phrase)
        event = _event("choice.readback", state, option=option, phrase=phrase)
        return ChoiceStep(state=state, say=phrasing.choice_readback(phrase), outcome="readback", events=[event])
    state = ChoiceState(objective=node.id)
    return ChoiceStep(state=state, say=question(node), outcome="ask", events=[])


def advance_choice(node: Node, state: ChoiceState, turn: CallerTurn) -> ChoiceStep:
    """Take one caller turn."""
    text = bounded(turn).text
    if state.phase in ("chosen", "failed"):
        return ChoiceStep(state=state, say="", outcome="chosen" if state.phase == "chosen" else "failed", events=[])
    if not has_content(text):
        return _reprompt(node, state, phrasing.choice_not_heard(node.prompt_topic))
    if is_hold(text):
        return _reprompt(node, state, phrasing.take_your_time())
    if is_repeat_request(text) and phrase_match(node, text) is None:
        return _reprompt(node, state, question(node))
    if state.phase == "confirming" and state.candidate is not None:
        return _confirming(node, state, text)
    found = phrase_match(node, text)
    option = match_option(node, text) if found is not None or not is_refusal(text) else None  # abuse picks nothing
    if option is not None and (found is not None or not only_details(text)):
        return _chosen(state, option, found[1] if found and found[0] == option else None)
    attempts = state.attempts + 1
    missed = state.model_copy(update={"attempts": attempts})
    event = _event("choice.unmatched", state, attempts=attempts)
    if attempts >= MAX_ATTEMPTS:
        return _failed(missed, [event])
    say = phrasing.choice_not_understood(offered_phrases(node), has_catch_all(node))
    return ChoiceStep(state=missed, say=say, outcome="reprompt", events=[event])


def _confirming(node: Node, state: ChoiceState, text: str) -> ChoiceStep:
    reading = read_confirmation(text)
    said = phrase_match(node, reading.rest if reading.answer is not Answer.UNCLEAR else text)
    if said is not None and said[0] != state.candidate:
        return _chosen(state, *said)  # "no, it's a quote"
    if reading.answer is Answer.YES or (reading.answer is Answer.UNCLEAR and said is not None):
        return _chosen(state, state.candidate or "", state.phrase)
    if reading.answer is Answer.NO:
        asking = state.model_copy(update={"phase": "asking", "candidate": None, "phrase": None, "reprompts": 0})
        event = _event("choice.rejected", state, option=state.candidate)
        return ChoiceStep(state=asking, say=phrasing.choice_ask_again(node.prompt_topic), outcome="reprompt",
                          events=[event])
    return _reprompt(node, state, phrasing.confirm_again(state.phrase or ""))


def _chosen(state: ChoiceState, option: str, phrase: str | None) -> ChoiceStep:
    new = state.model_copy(update={"phase": "chosen", "value": option})
    event = _event("choice.matched", state, option=option, phrase=phrase)
    return ChoiceStep(state=new, say=phrasing.choice_noted(), outcome="chosen", events=[event])


def _reprompt(node: Node, state: ChoiceState, say: str) -> ChoiceStep:
    reprompts = state.reprompts + 1
    new = state.model_copy(update={"reprompts": reprompts})
    if reprompts >= MAX_ATTEMPTS:
        return _failed(new, [])
    return ChoiceStep(state=new, say=say, outcome="reprompt", events=[])


def _failed(state: ChoiceState, lead: list[dict[str, Any]]) -> ChoiceStep:
    new = state.model_copy(update={"phase": "failed"})
    return ChoiceStep(state=new, say="", outcome="failed", events=[*lead, _event("choice.failed", new)])


def _event(kind: str, state: ChoiceState, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "objective": state.objective, **fields}
