"""CallWorkflow: one per phone call, fed by the voice worker's signals (signal-with-start).

The voice loop never waits on Temporal: its event buffer signals batches of the call's events when
Temporal is reachable. The workflow keeps them by sequence number (duplicates from retried
deliveries are harmless), completes once `call.ended` and every event before it have arrived, and
returns the call's summary, which post-call integrations will consume.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from temporalio import workflow

SIGNAL = "add_events"


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
    captured: dict[str, str] = Field(default_factory=dict)
    transfers: list[dict[str, Any]] = Field(default_factory=list)
    barge_ins: int = 0


def summarize_call(inp: CallWorkflowInput, events: list[CallEventIn], complete: bool) -> CallSummary:
    """Pure: the summary of a call from its ordered events."""
    summary = CallSummary(call_sid=inp.call_sid, tenant_id=inp.tenant_id, complete=complete, events=len(events))
    for event in events:
        if event.type == "capture.confirmed" and event.payload.get("value") is not None:
            summary.captured[str(event.payload.get("kind", "value"))] = str(event.payload["value"])
        elif event.type.startswith("transfer.") and event.type != "transfer.requested":
            summary.transfers.append({"type": event.type, **event.payload})
        elif event.type == "barge_in":
            summary.barge_ins += 1
        elif event.type == "call.ended":
            summary.end_reason = str(event.payload.get("reason"))
    return summary


def is_complete(events: dict[int, CallEventIn]) -> bool:
    """Pure: `call.ended` arrived and no event before it is missing."""
    ended = [seq for seq, e in events.items() if e.type == "call.ended"]
    return bool(ended) and all(seq in events for seq in range(1, max(ended) + 1))


@workflow.defn
class CallWorkflow:
    def __init__(self) -> None:
        self._events: dict[int, CallEventIn] = {}

    @workflow.signal(name=SIGNAL)
    def add_events(self, batch: CallEventsSignal) -> None:
        for event in batch.events:
            self._events.setdefault(event.seq, event)

    @workflow.query
    def received(self) -> int:
        return len(self._events)

    @workflow.run
    async def run(self, inp: CallWorkflowInput) -> CallSummary:
        try:
            await workflow.wait_condition(lambda: is_complete(self._events),
                                          timeout=timedelta(seconds=inp.max_wait_seconds))
        except TimeoutError:
            pass
        ordered = [self._events[seq] for seq in sorted(self._events)]
        return summarize_call(inp, ordered, is_complete(self._events))
