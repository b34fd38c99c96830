"""What a replay reads and reports: a call's events, the first divergence, what each side did."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FROZEN = ConfigDict(frozen=True)
# The Voice Core's decisions among a call's events: everything the dialogue records (its capture, choice and
# message primitives included). The runtime's own events (audio, turn-taking, transfers) are not decisions.
DECISION_PREFIXES = ("dialogue.", "objective.", "capture.", "choice.", "message.")
# Added by the Postgres delivery (the runtime's per-call sequence), not part of what was decided.
STORAGE_FIELDS = frozenset({"call_seq"})


class ReplayEvent(BaseModel):
    """One recorded call event: its place in the call's stream, type, payload and wall time."""

    model_config = FROZEN

    seq: int
    type: str
    payload: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime


def is_decision(event_type: str) -> bool:
    """Whether an event type is one of the Voice Core's decisions."""
    return event_type.startswith(DECISION_PREFIXES)


def normalised(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload as stored (JSON), without the storage's own fields: the form both sides are compared in."""
    stored: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return {k: v for k, v in stored.items() if k not in STORAGE_FIELDS}


class Divergence(BaseModel):
    """Where the replay first departs from the recording.

    `seq` and `event`: the recorded event that differs (or, when the replay did something the call did not, the
    input it did it on). `expected`: what the call recorded; `actual`: what the replay decided (None: nothing).
    """

    model_config = FROZEN

    seq: int | None
    event: str
    check: Literal["decision", "utterance", "action"]
    input: int  # the input it follows (0: the call's start)
    expected: dict[str, Any] | None
    actual: dict[str, Any] | None


class CallResult(BaseModel):
    """What a call did (recorded) or would do (replayed): what was said, the outcomes, where it ended."""

    model_config = FROZEN

    says: list[str]
    outcomes: list[dict[str, Any]]
    terminal: dict[str, Any] | None
    captured: dict[str, Any]
    transfers: list[str]
    hung_up: bool


class ReplayReport(BaseModel):
    """`identical`, or the first divergence; with both sides' results (a what-if on another version too)."""

    model_config = FROZEN

    call_sid: str
    verdict: Literal["identical", "diverged"]
    config_version: int | None
    config_hash: str
    recorded_config_version: int | None
    recorded_config_hash: str
    inputs: int
    decisions: int
    divergence: Divergence | None
    recorded: CallResult
    replayed: CallResult

    @property
    def identical(self) -> bool:
        """The replay made every decision the call made."""
        return self.verdict == "identical"
