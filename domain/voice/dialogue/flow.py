"""The dialogue's entry points: start a call on its graph, then one function per input (a caller turn, a silence,
a failed transfer). Each returns a `DialogueStep`; the state in it is the only memory between inputs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.objectives import ObjectiveGraph, Outcome, default_graph, start
from domain.voice import phrasing
from domain.voice.capture import CallerTurn, bounded
from domain.voice.confirm import wants_person
from domain.voice.dialogue.closing import close
from domain.voice.dialogue.core import DEFAULT_TIMEZONE, DialogueState, DialogueStep, ended, join, step
from domain.voice.dialogue.corrections import on_fix_turn
from domain.voice.dialogue.nodes import on_capture_turn, on_choice_turn, on_message_turn
from domain.voice.dialogue.prompts import current_prompt
from domain.voice.dialogue.summary import on_fix_choice, on_summary_answer
from domain.voice.dialogue.walking import enter, record, skip_events


def start_dialogue(graph: ObjectiveGraph | None = None, *, business_open: bool = True, business_name: str = "",
                   timezone: str = DEFAULT_TIMEZONE) -> DialogueStep:
    """The greeting and the first question of a call on `graph` (the built-in default graph when None).

    `business_open` is decided once at the call's start. The configuration's business names the greeting and its
    timezone reads dates; without one (the default graph), `business_name` and `timezone` do.
    """
    graph = graph if graph is not None else default_graph()
    name = graph.business.name if graph.business is not None else business_name
    zone = graph.business.timezone if graph.business is not None else timezone
    walk = start(graph, business_open=business_open)
    state = DialogueState(graph=graph, walk=walk, business_name=name, timezone=zone)
    started = {"type": "dialogue.started", "objectives": [n.id for n in graph.nodes], "config_hash": graph.config_hash,
               "business_open": business_open, "business_name": name, "timezone": zone}
    return enter(state, phrasing.greeting(name), [started, *skip_events(walk.visits)])


def on_caller_turn(state: DialogueState, turn: CallerTurn, *, now: datetime,
                   timezone: str | None = None) -> DialogueStep:
    """React to one caller turn (a final transcript and/or DTMF).

    `now` is the turn's recorded wall time (its `turn.ended` event's `occurred_at`); `timezone` overrides the
    call's (the state's).
    """
    timezone = timezone or state.timezone
    if state.stage == "closed":
        return step(state, "", [], "speak_and_hangup")
    if state.transfer is not None:
        return step(state, "", [])  # the caller is being put through; the dialogue waits for the outcome
    turn = bounded(turn)
    if turn.text.strip() or turn.dtmf.strip():
        state = state.model_copy(update={"silence_reprompts": 0})
    if wants_person(turn.text):
        return _caller_wants_person(state)
    if state.fix is not None:
        return on_fix_turn(state, turn, now=now, timezone=timezone)
    if state.stage == "summary":
        return on_summary_answer(state, turn, now=now, timezone=timezone)
    if state.stage == "which":
        return on_fix_choice(state, turn, now=now, timezone=timezone)
    node = state.node
    if node is not None and node.type == "choice":
        return on_choice_turn(state, turn, now=now, timezone=timezone)
    if node is not None and node.type == "message":
        return on_message_turn(state, turn, now=now, timezone=timezone)
    return on_capture_turn(state, turn, now=now, timezone=timezone)


def _caller_wants_person(state: DialogueState) -> DialogueStep:
    """Put the caller through to the escalation number when someone can answer; else promise a call back (and on
    a second ask, close with that promise).
    """
    graph, walk = state.graph, state.walk
    number = graph.escalation.transfer_to
    reachable = walk.business_open or graph.escalation.after_hours == "transfer"
    asks = state.person_asks + 1
    asked = state.model_copy(update={"person_asks": asks})
    if number is not None and reachable and state.person_transfers == 0:
        event: dict[str, Any] = {"type": "dialogue.person_requested", "to": number}
        moving = asked.model_copy(update={"transfer": "person", "person_transfers": 1})
        terminal: dict[str, Any] = {"action": "transfer", "to": number, "reason": "caller_asked",
                                    "objective": _where(state)}
        requested = {"type": "dialogue.transfer_requested", "to": number, "reason": "caller_asked"}
        return step(moving, phrasing.escalating(), [event, requested, ended(state, "caller_asked", terminal)],
                    "transfer", transfer_to=number)
    event = {"type": "dialogue.person_requested", "to": None}
    if asks >= 2:
        terminal = {"action": "call_back", "to": None, "reason": "caller_asked", "objective": _where(state)}
        return close(asked, phrasing.person_call_back_close(), "caller_asked", [event], terminal)
    return step(asked, join(phrasing.no_one_available(), current_prompt(asked)), [event])


def _where(state: DialogueState) -> str:
    terminal = state.walk.terminal
    return state.walk.at or (terminal.objective if terminal is not None else state.graph.entry)


def on_silence(state: DialogueState, *, max_reprompts: int) -> DialogueStep:
    """The caller said nothing for the silence window: reprompt, then close politely after `max_reprompts`."""
    if state.stage == "closed":
        return step(state, "", [], "speak_and_hangup")
    if state.transfer is not None:
        return step(state, "", [])
    count = state.silence_reprompts + 1
    if count > max_reprompts:
        return close(state.model_copy(update={"silence_reprompts": count}), phrasing.silence_close(), "silence")
    new = state.model_copy(update={"silence_reprompts": count})
    event: dict[str, Any] = {"type": "dialogue.silence_reprompt", "count": count}
    return step(new, phrasing.still_there(current_prompt(state)), [event])


def on_transfer_failed(state: DialogueState) -> DialogueStep:
    """The transfer did not connect: a graph transfer becomes the promised call back (the walk decides); after a
    caller's request for a person the call carries on where it was.
    """
    if state.transfer is None:
        return step(state, "", [], "speak_and_hangup" if state.stage == "closed" else "speak")
    terminal = state.walk.terminal
    event: dict[str, Any] = {"type": "dialogue.transfer_failed", "to": _transfer_target(state)}
    back = state.model_copy(update={"transfer": None})
    if state.transfer == "walk" and terminal is not None:
        back, recorded = record(back, Outcome(objective=terminal.objective, kind="transfer_failed"))
        reason = back.walk.terminal.reason if back.walk.terminal is not None else "transfer_failed"
        return close(back, phrasing.call_back_close(reason), "call_back", [event, *recorded])
    if state.stage == "closed" or not current_prompt(back):
        return close(back, phrasing.transfer_failed_close(), "transfer_failed", [event])
    return step(back, join(phrasing.transfer_failed(), current_prompt(back)), [event])


def _transfer_target(state: DialogueState) -> str | None:
    terminal = state.walk.terminal
    if state.transfer == "walk" and terminal is not None:
        return terminal.to
    return state.graph.escalation.transfer_to
