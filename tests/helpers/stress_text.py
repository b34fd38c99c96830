"""A persona's call played against the pure Voice Core at the level of words: no audio, no STT, no clock.

The persona's moves (domain.stress.caller) answer the events the dialogue records, the dialogue decides each turn
as the runtime would (domain.voice.dialogue), and the call's events come out as the voice worker would record them
(agent utterances, turns, silences, transfers, the end). What the words-level call cannot show (audio timing,
mishearing) is the audio harness's job; this one shows whether the expectations and the Voice Core's decisions agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.objectives import ObjectiveGraph
from domain.onboarding.events import EventView
from domain.stress import CallerPlan, CallVerdict, Observed, expectation, judge, move
from domain.voice.capture import CallerTurn
from domain.voice.dialogue import DialogueStep, call_event, on_caller_turn, on_silence, start_dialogue

MAX_REPROMPTS = 2


def _record(events: list[EventView], step: DialogueStep) -> str | None:
    """Append the step's events and what it says and does; the way the call ended, if it did."""
    for event in step.events:
        events.append(call_event(event))
    if step.say:
        events.append(("agent.utterance.started", {"text": step.say, "voice_to_voice_ms": 500}))
    if step.action == "transfer" and step.transfer_to:
        events += [("transfer.requested", {"to": step.transfer_to}), ("transfer.completed", {"to": step.transfer_to})]
        return "transferred"
    return "dialogue_complete" if step.action == "speak_and_hangup" else None


def play(graph: ObjectiveGraph, plan: CallerPlan, now: datetime, max_moves: int = 120) -> tuple[list[EventView],
                                                                                                 Observed]:
    """The call's events and what the caller saw."""
    events: list[EventView] = [("call.started", {"config_version": 1, "business_open": plan.business_open})]
    step = start_dialogue(graph, business_open=plan.business_open)
    ended, hung_up, barged = _record(events, step), False, 0
    for _ in range(max_moves):
        if ended is not None:
            break
        reply = move(graph, plan, events)
        if reply.hangup:
            ended, hung_up = "stop", True
            break
        if reply.say is None and reply.press is None:
            events.append(("caller.silence", {"max_reprompts": MAX_REPROMPTS}))
            step = on_silence(step.state, max_reprompts=MAX_REPROMPTS)
        else:
            turn = CallerTurn(text=reply.say or "", dtmf=(reply.press or "").rstrip("#"))
            if reply.barge:
                barged += 1
                events.append(("barge_in", {"reaction_ms": 200}))
            events.append(("turn.ended", {"text": turn.text, "dtmf": turn.dtmf}))
            step = on_caller_turn(step.state, turn, now=now)
        ended = _record(events, step)
    events.append(("call.ended", {"reason": ended or "timeout"}))
    observed = Observed(hung_up=hung_up, closed_by_agent=ended in ("transferred", "dialogue_complete"), barged=barged)
    return events, observed


def verdict(graph: ObjectiveGraph, plan: CallerPlan, now: datetime) -> tuple[CallVerdict, list[EventView]]:
    """The persona's words-level call, judged like an audio one."""
    events, observed = play(graph, plan, now)
    checked = judge(graph, expectation(graph, plan), events, observed, version=1, call_sid="CAtext", seed=plan.seed)
    return checked, events


def lines(events: list[EventView]) -> list[str]:
    """Who said what, for a failure message."""
    out: list[str] = []
    for kind, payload in events:
        p: dict[str, Any] = dict(payload)
        if kind == "agent.utterance.started":
            out.append(f"agent: {p['text']}")
        elif kind == "turn.ended":
            out.append(f"caller: {p['text'] or p['dtmf']}")
        elif kind in ("objective.outcome", "dialogue.ended", "transfer.requested"):
            out.append(f"{kind}: {p}")
    return out
