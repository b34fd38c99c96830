"""The stress harness's callers: twelve personas, what each one says, and how it listens and sounds.

A persona is a way of being on the phone (cooperative, hostile, silent, talking over every prompt, ...). Its
`CallerPlan` holds the caller's ground truth for one call: the details it gives (the words it says and the value
the capture must end with), the option it wants at each choice, and its own lines (abuse, requests to repeat).
The plan is drawn with a seed outside the domain (`voice_runtime/testing/stress_callers.py`); everything here and
in the other `domain.stress` modules is pure, so the same plan and the same events give the same moves and verdict.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.objectives import ObjectiveGraph

FROZEN = ConfigDict(frozen=True)


class Persona(StrEnum):
    """One kind of caller."""

    COOPERATIVE = "cooperative"
    HOSTILE = "hostile"  # abuse and refusals
    CONFUSED = "confused"  # asks to repeat, gives a wrong answer first
    SILENT = "silent"
    INTERRUPTER = "interrupter"  # talks over every prompt
    CORRECTOR = "corrector"  # says a digit (or a letter) wrong, then corrects it
    SPELLER = "speller"  # spells the e-mail address letter by letter
    NOISY_LINE = "noisy_line"  # additive line noise at 10 dB SNR on everything the caller sends
    FAST_TALKER = "fast_talker"
    DTMF_ONLY = "dtmf_only"  # keys, never words
    ASKS_FOR_PERSON = "asks_for_person"
    HANGS_UP = "hangs_up"  # hangs up mid-call


ALL = tuple(Persona)
Listening = Literal["waits", "barges", "quick"]


class Traits(BaseModel):
    """How a persona sounds and listens: speaking rate, line noise, when it starts talking."""

    model_config = FROZEN

    length_scale: float = 1.0  # piper's speaking rate (below 1 is faster)
    snr_db: float | None = None  # additive line noise on the caller's audio
    listening: Listening = "waits"  # waits for the agent to finish; barges in over it; answers the moment it stops


TRAITS: dict[Persona, Traits] = {
    Persona.NOISY_LINE: Traits(snr_db=10.0),
    Persona.FAST_TALKER: Traits(length_scale=0.72, listening="quick"),
    Persona.INTERRUPTER: Traits(listening="barges"),
}
# The business states a persona is called in (a graph without hours is always open): a request for a person is
# answered differently when no one is there, and so is a cooperative caller's walk (after-hours skips).
BOTH_STATES = frozenset({Persona.COOPERATIVE, Persona.ASKS_FOR_PERSON})


def traits(persona: Persona) -> Traits:
    """How this persona sounds and listens."""
    return TRAITS.get(persona, Traits())


def business_states(persona: Persona, graph: ObjectiveGraph) -> tuple[bool, ...]:
    """Open, and closed too for the personas whose contract differs after hours (when the graph has hours)."""
    return (True, False) if persona in BOTH_STATES and graph.business is not None else (True,)


class Detail(BaseModel):
    """One detail the caller can give: its words, the value the capture must end with, and its variants."""

    model_config = FROZEN

    kind: str  # a capture kind, or "message"
    text: str  # the whole line ("My number's oh four one two ...")
    said: str  # the words that carry the value, said alone when asked again
    truth: str  # what the capture must end with ("+61412..."); a message's words
    slip: str | None = None  # the corrector's line with one digit or letter wrong
    slip_value: str | None = None  # the value that line means
    fix: str | None = None  # the corrector's correction after the wrong read-back ("No, the last digit is seven.")
    spelled: str | None = None  # the speller's line, letter by letter
    wrong: str | None = None  # the confused caller's first, wrong answer
    keys: str | None = None  # the digits a DTMF caller presses (then #)


class CallerPlan(BaseModel):
    """One stress call's ground truth: who calls, in which business state, and what they know and want."""

    model_config = FROZEN

    persona: Persona
    business_open: bool = True
    seed: int = 0
    details: dict[str, Detail] = Field(default_factory=dict)  # by capture kind ("phone") or "message"
    options: dict[str, str] = Field(default_factory=dict)  # choice objective -> the option the caller wants
    words: dict[str, str] = Field(default_factory=dict)  # choice objective -> the words that ask for it
    lines: tuple[str, ...] = ()  # the persona's own lines: abuse, refusals, requests to repeat, a request for a person
    yes: str = "Yes, that's right."  # how this caller says yes to a read-back, and no
    no: str = "No, that's wrong."
    hang_up_after: int = 1  # hangs_up: objectives finished before the caller hangs up

    def detail(self, kind: str | None) -> Detail | None:
        """The detail for a capture kind (or "message")."""
        return self.details.get(kind or "message")
