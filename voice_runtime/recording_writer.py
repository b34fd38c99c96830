"""Stores finished calls' recordings off the call loop and records `call.recording_stored` on the call's stream.

The session hands over a call's recorder once the call has ended; encoding, hashing and the store's write run in
a worker thread, so no call's 20 ms loop ever waits on a disk or a bucket. A failed write is recorded as
`call.recording_failed` (the call itself is unaffected).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.recordings.store import RecordingStore, recording_key
from infra.recordings.wav import CHANNELS, stereo_wav
from voice_runtime.call_events import CallEventLog
from voice_runtime.codec import mulaw_to_pcm16
from voice_runtime.recording import SAMPLE_RATE, CallRecorder, Recording

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """Where a recording went and what identifies it."""

    location: str
    sha256: str
    size: int


def encode(recording: Recording) -> bytes:
    """The stored form: a stereo WAV, the caller left and the agent right."""
    return stereo_wav(mulaw_to_pcm16(recording.caller), mulaw_to_pcm16(recording.agent), SAMPLE_RATE)


class RecordingWriter:
    """Owns the background writes of one voice worker process."""

    def __init__(self, store: RecordingStore, *, max_seconds: float) -> None:
        self.store = store
        self.max_seconds = max_seconds
        self._tasks: set[asyncio.Task[None]] = set()

    def recorder(self) -> CallRecorder:
        """A recorder for a call starting now."""
        return CallRecorder(time.monotonic(), datetime.now(UTC), max_seconds=self.max_seconds)

    def submit(self, events: CallEventLog, recorder: CallRecorder) -> None:
        """Store a finished call's recording in the background."""
        task = asyncio.get_running_loop().create_task(self._write(events, recorder.finish()),
                                                      name=f"recording-{events.call_sid}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _put(self, key: str, recording: Recording) -> Stored:
        data = encode(recording)
        return Stored(location=self.store.put(key, data), sha256=hashlib.sha256(data).hexdigest(), size=len(data))

    async def _write(self, events: CallEventLog, recording: Recording) -> None:
        key = recording_key(events.tenant_id, events.call_sid)
        try:
            stored = await asyncio.to_thread(self._put, key, recording)
        except Exception as exc:
            log.exception("storing the recording of %s failed", events.call_sid)
            events.emit("call.recording_failed", error=repr(exc)[:300])
            return
        events.emit("call.recording_stored", location=stored.location, duration_ms=recording.duration_ms,
                    sha256=stored.sha256, bytes=stored.size, format="wav", sample_rate=SAMPLE_RATE,
                    channels=list(CHANNELS), started_at=recording.started_at.isoformat(),
                    truncated=recording.truncated)

    @property
    def pending(self) -> int:
        """Recordings still being written."""
        return len(self._tasks)

    async def drain(self, timeout: float) -> None:
        """Wait (up to `timeout`) for the writes under way, e.g. before the process stops."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
