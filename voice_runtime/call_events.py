"""A call's events: strictly ordered (a per-call sequence), timestamped, handed to a non-blocking sink."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict


class CallEvent(BaseModel):
    """One event of one call; `seq` is 1, 2, 3... in the order the runtime emitted them."""

    model_config = ConfigDict(frozen=True)

    call_sid: str
    tenant_id: str | None
    seq: int
    type: str
    payload: dict[str, Any]
    occurred_at: datetime


class EventSink(Protocol):
    """Where emitted events go; `offer` must never block or raise."""

    def offer(self, event: CallEvent) -> None:
        """Accept an event (or count it as dropped)."""
        ...


# What a call leaves behind once it is over: its recording's fate is known only after `call.ended`.
AFTER_END = frozenset({"call.recording_stored", "call.recording_failed"})


def utc_now() -> datetime:
    """Wall-clock time for event timestamps."""
    return datetime.now(UTC)


class CallEventLog:
    """Numbers a call's events and hands them to the sink; keeps them for the call's own reference."""

    def __init__(self, sink: EventSink, clock: Callable[[], datetime] = utc_now) -> None:
        self._sink = sink
        self._clock = clock
        self.call_sid = ""
        self.tenant_id: str | None = None
        self.events: list[CallEvent] = []
        self.ended = False  # `call.ended` has been recorded

    def bind(self, call_sid: str, tenant_id: str | None) -> None:
        """Set the call's identity (from Twilio's `start` message)."""
        self.call_sid = call_sid
        self.tenant_id = tenant_id

    def emit(self, type_: str, **payload: Any) -> CallEvent | None:
        """Record one event and return it; after `call.ended` only what the call leaves behind (`AFTER_END`)."""
        if self.ended and type_ not in AFTER_END:
            return None
        event = CallEvent(
            call_sid=self.call_sid,
            tenant_id=self.tenant_id,
            seq=len(self.events) + 1,
            type=type_,
            payload=payload,
            occurred_at=self._clock(),
        )
        self.events.append(event)
        self.ended = self.ended or type_ == "call.ended"
        self._sink.offer(event)
        return event

    def of_type(self, type_: str) -> list[CallEvent]:
        """Events of one type, in order."""
        return [e for e in self.events if e.type == type_]
