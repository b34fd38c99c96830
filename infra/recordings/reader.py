"""Reading a call's recording back: the last `call.recording_stored` names it; its sha256 is checked on read."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

from domain.errors import Conflict, NotFound
from infra.recordings.store import RecordingStore


class StoredEvent(Protocol):
    """A stored call event (type and payload are all this needs)."""

    @property
    def type(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


def stored_recording(events: Sequence[StoredEvent]) -> dict[str, Any]:
    """The payload of the call's `call.recording_stored` (NotFound: the call was not recorded, or not yet)."""
    stored = [e.payload for e in events if e.type == "call.recording_stored"]
    if not stored:
        failed = any(e.type == "call.recording_failed" for e in events)
        reason = "storing it failed" if failed else "the call was not recorded, or it is still being stored"
        raise NotFound(f"this call has no recording: {reason}", code="recording_not_found")
    return stored[-1]


async def read_recording(store: RecordingStore, events: Sequence[StoredEvent]) -> bytes:
    """The stored WAV of a call, checked against the sha256 its event recorded."""
    stored = stored_recording(events)
    data = await asyncio.to_thread(store.get, str(stored["location"]))
    if hashlib.sha256(data).hexdigest() != stored.get("sha256"):
        raise Conflict("the stored recording does not match the sha256 recorded when it was stored",
                       code="recording_corrupt")
    return data
