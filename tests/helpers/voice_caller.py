"""A caller who knows who they are: drawn from the speech corpus's lists, answering what the agent asks.

The caller reads the call's recorded events (what the agent asked, what it read back) after each agent turn and
answers as a person would: their name, a mobile number said with the last digit wrong first ("my number is ...
six seven eight"; "no, the last digit is nine"), "yes" only to what is really theirs, a correction otherwise
(the name again, then spelled; the number again), and "yes" to a summary that is right.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.voice.spoken import SAY_DIGIT
from voice_runtime.testing.speech_corpus import FIRST, LAST, say_digits

Event = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Persona:
    """Who is calling: a name and a mobile number (E.164); `said` is the number as first (wrongly) given."""

    first: str
    last: str
    number: str
    said: str
    groups: str  # the true number as they read it out, in 4-3-3 groups
    said_groups: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def draw_persona(seed: int) -> Persona:
    """A caller from the corpus lists (nothing picked for an engine): any first and last name, any mobile."""
    rng = random.Random(seed)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = "04" + "".join(rng.choice("0123456789") for _ in range(8))
    wrong = local[:-1] + rng.choice([d for d in "0123456789" if d != local[-1]])
    return Persona(first, last, "+61" + local[1:], "+61" + wrong[1:], _grouped(local, rng), _grouped(wrong, rng))


def _grouped(digits: str, rng: random.Random) -> str:
    return ", ".join(" ".join(say_digits(part, rng)) for part in (digits[:4], digits[4:7], digits[7:]))


def spelled(word: str) -> str:
    """"Taylor" -> "T A Y L O R"."""
    return " ".join(word.upper())


@dataclass
class CallerMind:
    """What the caller says next, from the call's events so far; `said` keeps every line in order."""

    persona: Persona
    said: list[str] = field(default_factory=list)
    wrong_names: int = 0

    def greeting_line(self) -> str:
        """Said over the agent's greeting."""
        return self._say(f"Sorry, hi there, my name is {self.persona.name}.")

    def next_line(self, events: Sequence[Event]) -> str | None:
        """The answer to the agent's latest question; None when the agent has not asked anything new."""
        pending = _pending(events)
        if pending is None:
            return None
        what, kind, value = pending
        if what == "readback":
            return self._say(self._readback(kind, value))
        if what == "summary":
            return self._say(self._summary(value))
        if what == "which":
            return self._say("The name." if not self._name_ok(events) else "The number.")
        asked = next((str(p.get("text", "")) for t, p in reversed(events) if t == "agent.utterance.started"), "")
        return self._say(self._answer(kind, asked))

    def _answer(self, kind: str, asked: str) -> str:
        if kind == "name":
            return f"It's {self.persona.name}."
        if "digit by digit" in asked.lower():  # asked for it: one digit at a time
            local = "0" + self.persona.number[3:]
            return ", ".join("zero" if d == "0" else SAY_DIGIT[d] for d in local).capitalize() + "."
        first_time = not any(line.startswith("My number is") for line in self.said)
        return f"My number is {self.persona.said_groups if first_time else self.persona.groups}."

    def _readback(self, kind: str, candidate: Any) -> str:
        p = self.persona
        if kind == "name":
            if str(candidate).lower() == p.name.lower():
                return "Yeah, that's right."
            self.wrong_names += 1
            first, _, last = str(candidate).partition(" ")
            if self.wrong_names == 1:
                return f"No, it's {p.name}."
            if first.lower() == p.first.lower():
                return f"No, my surname is {p.last}, {spelled(p.last)}."
            if last.lower() == p.last.lower():
                return f"No, my first name is {p.first}, {spelled(p.first)}."
            return f"No, my first name is {p.first}, {spelled(p.first)}, and my surname is {p.last}."
        if candidate == p.number:
            return "Yeah, that's right."
        if str(candidate)[:-1] == p.number[:-1]:  # only the last digit is off, as when they misspoke
            digit = p.number[-1]
            return f"No, the last digit is {'zero' if digit == '0' else SAY_DIGIT[digit]}."
        return f"No, it's {p.groups}."

    def _summary(self, captured: Any) -> str:
        values = {str(v).lower() for v in dict(captured).values()}
        if {self.persona.name.lower(), self.persona.number.lower()} <= values:
            return "Yes, that's all correct."
        return "No, that's not right."

    def _name_ok(self, events: Sequence[Event]) -> bool:
        confirmed = [p.get("value") for t, p in events if t == "capture.confirmed" and p.get("kind") == "name"]
        return bool(confirmed) and str(confirmed[-1]).lower() == self.persona.name.lower()

    def _say(self, line: str) -> str:
        self.said.append(line)
        return line


def _pending(events: Sequence[Event]) -> tuple[str, str, Any] | None:
    """The agent's latest question since the caller's last turn: (what, kind, value), or None."""
    pending: tuple[str, str, Any] | None = None
    for kind, payload in events:
        if kind == "turn.ended":
            pending = None  # answered; the agent's reaction comes after it
        elif kind in ("dialogue.objective_started", "dialogue.fixing"):
            pending = ("ask", str(payload.get("kind")), None)
        elif kind == "objective.started" and str(payload.get("type", "")).startswith("capture_"):
            pending = ("ask", _capture_kind(str(payload["type"])), None)
        elif kind == "capture.parsed" and not payload.get("ok") or kind == "capture.rejected":  # asked again
            pending = ("ask", str(payload.get("kind")), None)
        elif kind == "capture.readback":
            pending = ("readback", str(payload.get("kind")), payload.get("candidate"))
        elif kind == "dialogue.summary":
            pending = ("summary", "", payload.get("captured", {}))
        elif kind == "dialogue.summary_rejected":
            pending = ("which", "", None)
        elif kind in ("dialogue.ended", "call.ended"):
            return None
    return pending


def _capture_kind(node_type: str) -> str:
    kind = node_type.removeprefix("capture_")
    return "date_time" if kind == "datetime" else kind
