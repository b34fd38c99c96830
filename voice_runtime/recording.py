"""A call's recording as heard on the line: the caller's audio and the agent's, 8 kHz mu-law, on one timeline.

Sample 0 is the call's start (Twilio's `start` message). The caller leg follows Twilio's media timestamps (its
own clock for the caller's audio), placed once against our clock at the first frame. The agent leg is what the
output transport actually wrote: Twilio plays frames one after the other from the moment they arrive, so a frame
starts where the previous one ended or when it was written, whichever is later; a `clear` drops what Twilio had
not played yet, so it cuts the leg where the caller stopped hearing it. Nothing here blocks: the frames are
appended to memory, and the writer (`recording_writer.py`) stores them after the call, off the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SAMPLE_RATE = 8000
MULAW_SILENCE = 0xFF


@dataclass(frozen=True)
class Recording:
    """Both legs of a finished call, the same length, mu-law; `started_at` is the wall time of sample 0."""

    caller: bytes
    agent: bytes
    started_at: datetime
    truncated: bool

    @property
    def duration_ms(self) -> int:
        """The length of the recording in milliseconds."""
        return len(self.caller) * 1000 // SAMPLE_RATE


class CallRecorder:
    """Collects one call's two legs while it runs (monotonic seconds in, sample positions out)."""

    def __init__(self, origin: float, started_at: datetime, *, max_seconds: float) -> None:
        self._origin = origin
        self.started_at = started_at
        self._limit = int(max_seconds * SAMPLE_RATE)
        self._caller = bytearray()
        self._agent = bytearray()
        self._caller_offset: int | None = None  # our sample position of Twilio's media timestamp 0
        self.truncated = False

    def _position(self, t: float) -> int:
        return max(0, round((t - self._origin) * SAMPLE_RATE))

    def _place(self, leg: bytearray, start: int, mulaw: bytes) -> None:
        if start + len(mulaw) > self._limit:
            self.truncated = True
            return
        if start > len(leg):
            leg.extend(bytes([MULAW_SILENCE]) * (start - len(leg)))
        leg[start:start + len(mulaw)] = mulaw

    def caller_frame(self, mulaw: bytes, arrived: float, timestamp_ms: int) -> None:
        """A media frame from Twilio (`timestamp_ms`: Twilio's time of it since the stream began)."""
        if self._caller_offset is None:
            self._caller_offset = self._position(arrived) - timestamp_ms * SAMPLE_RATE // 1000
        start = max(len(self._caller), self._caller_offset + timestamp_ms * SAMPLE_RATE // 1000)
        self._place(self._caller, start, mulaw)

    def agent_frame(self, mulaw: bytes, written: float) -> None:
        """A frame of agent audio written to Twilio at `written`: it plays after what is still playing."""
        self._place(self._agent, max(len(self._agent), self._position(written)), mulaw)

    def agent_clear(self, at: float) -> None:
        """A `clear` written at `at`: what Twilio had not played by then is never heard."""
        del self._agent[self._position(at):]

    def finish(self) -> Recording:
        """Both legs padded to the same length."""
        length = max(len(self._caller), len(self._agent))
        pad = bytes([MULAW_SILENCE])
        return Recording(caller=bytes(self._caller) + pad * (length - len(self._caller)),
                         agent=bytes(self._agent) + pad * (length - len(self._agent)),
                         started_at=self.started_at, truncated=self.truncated)
