"""The event envelope shared by every domain (what is appended to a stream), and the append payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class NewEvent(BaseModel):
    """An event about to be appended; `occurred_at` is when it happened in the world."""

    model_config = ConfigDict(frozen=True)

    type: str = Field(min_length=1, max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime
    schema_version: int = Field(default=1, ge=1)


class RecordedEvent(BaseModel):
    """An event as stored: its stream position and when it was recorded."""

    model_config = ConfigDict(frozen=True)

    id: int
    stream: str
    seq: int
    type: str
    schema_version: int
    payload: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


class AppendEvents(BaseModel):
    """Append events to a stream from a workflow (the spine's one activity)."""

    stream: str
    events: list[NewEvent]
    tenant_id: UUID | None = None
    # Idempotency: a retried activity whose first attempt committed finds the stream already
    # at `expected_version + len(events)` and does nothing.
    expected_version: int | None = None


def stream_name(kind: str, ident: object) -> str:
    """Canonical stream name, e.g. `contract:<uuid>` or `call:<sid>`."""
    return f"{kind}:{ident}"
