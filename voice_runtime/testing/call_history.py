"""Synthetic call histories: the events a voice worker emits for a call, in the contract's names and fields.

Dashboards tests and the dashboards benchmark seed the event store with these instead of placing thousands of
real calls; a call is answered or missed, captures a name and a phone number (sometimes an e-mail), may be
barged in on and may be transferred. Randomness comes from the caller's `random.Random`, so a seed repeats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.events import NewEvent

FIRST = ("Olivia", "Jack", "Charlotte", "Noah", "Amelia", "William", "Isla", "Oliver", "Mia", "Thomas")
LAST = ("Nguyen", "Smith", "Wilson", "Taylor", "Brown", "Martin", "Anderson", "Lee", "Walker", "Harris")
OBJECTIVES = (("name", "capture_name"), ("phone", "capture_phone"), ("email", "capture_email"))


@dataclass
class CallShape:
    """How likely each thing is on a synthetic call."""

    missed: float = 0.08
    barge_in: float = 0.3
    transfer: float = 0.15
    transfer_fails: float = 0.2
    capture_fails: float = 0.1
    v2v_ms: tuple[float, float] = (650.0, 180.0)  # mean, standard deviation


@dataclass
class _Call:
    rng: random.Random
    at: datetime
    events: list[NewEvent] = field(default_factory=list)
    utterance: int = 0

    def emit(self, type_: str, after_ms: float = 0.0, **payload: Any) -> None:
        self.at += timedelta(milliseconds=after_ms)
        self.events.append(NewEvent(type=type_, payload=payload, occurred_at=self.at))

    def agent(self, text: str, v2v: float | None) -> None:
        self.utterance += 1
        self.emit("agent.utterance.started", 0 if v2v is None else v2v, utterance_id=self.utterance, text=text,
                  tts_ttfb_ms=round(self.rng.uniform(80, 200)), voice_to_voice_ms=None if v2v is None else round(v2v))
        self.emit("agent.utterance.finished", 1800, utterance_id=self.utterance, duration_ms=1800)

    def caller(self, text: str) -> None:
        self.emit("turn.ended", self.rng.uniform(900, 2500), text=text, dtmf="", reason="silence",
                  stt_final_delay_ms=round(self.rng.uniform(150, 450)))


def _value(rng: random.Random, kind: str, first: str, last: str) -> str:
    if kind == "name":
        return f"{first} {last}"
    if kind == "phone":
        return "+614" + "".join(str(rng.randrange(10)) for _ in range(8))
    return f"{first.lower()}.{last.lower()}@example.com"


def _capture(call: _Call, shape: CallShape, objective: str, type_: str, value: str, captured: dict[str, str]) -> None:
    rng = call.rng
    call.emit("objective.started", 10, objective=objective, type=type_)
    call.agent(f"Could I get your {objective}, please?", rng.gauss(*shape.v2v_ms))
    if rng.random() < shape.barge_in:
        call.emit("barge_in", 300, reaction_ms=round(max(40.0, rng.gauss(180, 60))))
        call.emit("agent.utterance.interrupted", 5, utterance_id=call.utterance, heard_ms=600, sent_ms=800,
                  generated_ms=1800, heard_text="Could I get")
    if rng.random() < shape.capture_fails:
        call.caller("sorry what")
        call.emit("objective.outcome", 20, objective=objective, kind="failed", value=None)
        return
    call.caller(value)
    call.emit("capture.confirmed", 30, kind=objective, value=value)
    call.agent(f"Thanks, I have {value}.", rng.gauss(*shape.v2v_ms))
    call.emit("objective.outcome", 10, objective=objective, kind="confirmed", value=value)
    captured[objective] = value


def synthetic_call(rng: random.Random, call_sid: str, tenant_id: str, started_at: datetime, *,
                   caller: str = "+61400000000", called: str = "+61200000000",
                   shape: CallShape | None = None) -> list[NewEvent]:
    """One call's events from `call.started` to `call.ended`, timestamped from `started_at`."""
    shape = shape or CallShape()
    call = _Call(rng, started_at)
    open_ = rng.random() < 0.8
    call.emit("call.started", call_sid=call_sid, stream_sid=f"MZ{call_sid[2:]}", tenant_id=tenant_id, caller=caller,
              called=called, config_version=None, config_hash="default", business_open=open_, transport="twilio")
    if rng.random() < shape.missed:
        call.emit("call.ended", rng.uniform(300, 1500), reason="hangup",
                  duration_ms=round((call.at - started_at).total_seconds() * 1000))
        return call.events
    call.agent("Thanks for calling. How can I help?", None)
    call.caller("I need someone to come out and look at my hot water")
    captured: dict[str, str] = {}
    first, last = rng.choice(FIRST), rng.choice(LAST)
    for objective, type_ in OBJECTIVES[: 2 + (rng.random() < 0.5)]:
        _capture(call, shape, objective, type_, _value(rng, objective, first, last), captured)
    terminal = "end"
    if rng.random() < shape.transfer:
        terminal = "transfer"
        call.emit("transfer.requested", 50, to="+61299990000", kind="cold")
        outcome = "transfer.failed" if rng.random() < shape.transfer_fails else "transfer.completed"
        extra = {"error": "no answer"} if outcome == "transfer.failed" else {}
        call.emit(outcome, rng.uniform(2000, 8000), to="+61299990000", kind="cold", **extra)
    call.emit("dialogue.ended", 20, reason=terminal, captured=captured, terminal=terminal)
    call.emit("call.ended", rng.uniform(500, 1500), reason="hangup" if terminal == "end" else "transferred",
              duration_ms=round((call.at - started_at).total_seconds() * 1000))
    return call.events
