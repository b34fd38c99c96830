"""What a simulated caller has just heard, read from the call's events: a question, a read-back, the summary.

The Voice Core records what it decided before it says it (docs/decisions/0011: `objective.started`,
`capture.readback`, `choice.readback`, `dialogue.summary`, ...), so the events up to the agent's last utterance
tell the caller what it was asked, as a caller knows what it heard. A reprompt that records nothing asks the same
thing again, so it leaves the situation as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.onboarding.events import EventView

Prompt = Literal["nothing", "question", "readback", "summary", "which", "ended"]
_QUESTION_AGAIN = {"capture.rejected", "choice.rejected", "choice.unmatched"}
_OUTCOME_KINDS = {"confirmed", "chosen", "failed", "declined"}


class Heard(BaseModel):
    """The caller's situation: what it is being asked, about which objective, and what is read back."""

    model_config = ConfigDict(frozen=True)

    prompt: Prompt = "nothing"
    objective: str | None = None  # the objective being pursued (or corrected)
    candidate: str | None = None  # what a read-back says: a capture's value, a choice's option
    captured: dict[str, str] = Field(default_factory=dict)  # the summary's details, by objective
    turns: int = 0  # caller turns since this objective was first asked
    said: int = 0  # caller turns in the whole call
    person_asked: bool = False  # the Voice Core heard a request for a person
    finished: int = 0  # objectives that have an outcome (confirmed, chosen, failed, declined)
    call_back_offered: bool = False  # the caller asked for a person and was promised a call back instead
    transferring: bool = False


def _apply(heard: dict[str, Any], kind: str, p: Mapping[str, Any]) -> None:
    if kind == "objective.started":
        heard.update(prompt="question", objective=p.get("objective"), candidate=None, turns=0)
    elif kind == "capture.readback":
        heard.update(prompt="readback", objective=p.get("objective", heard["objective"]), candidate=p.get("candidate"))
    elif kind == "choice.readback":
        heard.update(prompt="readback", candidate=p.get("option"))
    elif kind in _QUESTION_AGAIN or (kind == "capture.parsed" and not p.get("ok")):
        heard.update(prompt="question", candidate=None)
    elif kind == "dialogue.summary":
        heard.update(prompt="summary", captured=dict(p.get("captured") or {}), candidate=None)
    elif kind == "dialogue.summary_rejected":
        heard.update(prompt="which")
    elif kind == "dialogue.fixing":
        heard.update(prompt="question", objective=p.get("objective"), candidate=None)
    elif kind == "turn.ended":
        heard["turns"] += 1
        heard["said"] += 1
    elif kind == "objective.outcome" and p.get("kind") in _OUTCOME_KINDS:
        heard["finished"] += 1
    elif kind == "dialogue.person_requested":
        heard["person_asked"] = True
        heard["call_back_offered"] = heard["call_back_offered"] or p.get("to") is None
        heard["transferring"] = p.get("to") is not None
    elif kind == "dialogue.transfer_requested":
        heard["transferring"] = True
    elif kind in ("dialogue.transfer_failed", "transfer.failed"):
        heard.update(transferring=False, prompt="question" if heard["prompt"] == "ended" else heard["prompt"])
    elif kind == "dialogue.ended" and not heard["transferring"]:
        heard["prompt"] = "ended"


def heard(events: Sequence[EventView]) -> Heard:
    """The caller's situation after these events."""
    state: dict[str, Any] = {"prompt": "nothing", "objective": None, "candidate": None, "captured": {}, "turns": 0,
                             "said": 0, "person_asked": False, "finished": 0, "call_back_offered": False,
                             "transferring": False}
    for kind, payload in events:
        if kind == "call.ended":
            state["prompt"] = "ended"
            break
        _apply(state, kind, payload)
    return Heard.model_validate(state)
