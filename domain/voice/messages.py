"""The call's workflow payloads and workflow id: CallWorkflow's input, its events signal and its summary.

The voice runtime signals these; CallWorkflow receives them; post-call integrations read the summary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

# What the voice worker's Postgres lane adds to every call event payload it stores: the call's own sequence number
# (signalled events carry it as `CallEventIn.seq`). Readers of stored payloads drop it through domain.voice.recorded.
CALL_SEQ = "call_seq"


class Captured(BaseModel):
    """A value the call captured, under its objective's id: what kind of detail it is (`name`, `phone`, `email`,
    `address`, `date_time`, `message`; None when the events do not say) and the value as confirmed.
    """

    kind: str | None = None
    value: str


class CallEventIn(BaseModel):
    """One call event as signalled (the voice runtime's per-call `seq` orders them)."""

    seq: int = Field(ge=1)
    type: str
    payload: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime


class CallEventsSignal(BaseModel):
    """A batch of consecutive events of one call."""

    events: list[CallEventIn]


class CallWorkflowInput(BaseModel):
    """Which call; how long to wait for its end before giving up."""

    call_sid: str
    tenant_id: str | None = None
    max_wait_seconds: float = Field(default=6 * 3600, gt=0)


class CallSummary(BaseModel):
    """What the call achieved, rebuilt from its events."""

    call_sid: str
    tenant_id: str | None
    complete: bool
    events: int
    end_reason: str | None = None
    captured: dict[str, Captured] = Field(default_factory=dict)  # by objective id
    transfers: list[dict[str, Any]] = Field(default_factory=list)
    barge_ins: int = 0


def call_workflow_id(call_sid: str) -> str:
    """The CallWorkflow id of a call: one workflow per call."""
    return f"call-{call_sid}"
