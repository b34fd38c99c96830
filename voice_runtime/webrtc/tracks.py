"""The agent's side of a WebRTC call: an audio track that plays what the output transport hands it, in real time.

aiortc's sender asks the track for the next frame as soon as it has sent the last one, so the track keeps the
time: one 20 ms frame per slot on its own clock, silence when nothing waits. What waits is what the pacer handed
over ahead of its playout time (`pacer_lead_ms`), and the marks between it. A mark is echoed once the audio before
it has been played out (the slot after it), as Twilio echoes marks; `clear` drops the waiting audio and echoes
the marks in it at once, as Twilio does, so the pacer learns what the caller heard either way.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.frame_clock import TICK_S
from voice_runtime.webrtc.audio import agent_frame

SILENCE = b"\xff" * MULAW_FRAME_BYTES
MAX_WAITING = 500  # 10 s of audio: the pacer hands over a lead of a few frames, never this much


class AgentTrack(MediaStreamTrack):
    """What the peer hears: paced agent audio (mu-law 8 kHz) and the marks that say it was played."""

    kind = "audio"

    def __init__(self, on_mark: Callable[[str], None], *, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self._on_mark = on_mark
        self._clock = clock
        self._queued: deque[bytes | str] = deque()  # audio (bytes) and mark names (str), in order
        self._pts = 0
        self._start: float | None = None
        self.frames_played = 0

    def play(self, mulaw: bytes) -> None:
        """Queue one 20 ms frame of agent audio."""
        if len(self._queued) < MAX_WAITING:
            self._queued.append(mulaw)

    def mark(self, name: str) -> None:
        """Echo `name` once the audio queued before it has been played."""
        self._queued.append(name)

    def clear(self) -> None:
        """Drop the audio not played yet; its marks are echoed now."""
        queued, self._queued = self._queued, deque()
        for item in queued:
            if isinstance(item, str):
                self._on_mark(item)

    @property
    def waiting_frames(self) -> int:
        """Audio frames queued and not played yet."""
        return sum(1 for item in self._queued if isinstance(item, bytes))

    async def recv(self) -> AudioFrame:
        """The next 20 ms frame, at its time."""
        if self.readyState != "live":
            raise MediaStreamError
        now = self._now()
        if self._start is None:
            self._start = now
        else:
            due = self._start + self.frames_played * TICK_S
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > 1.0:
                self._start = now - self.frames_played * TICK_S  # the loop stalled: do not burst a second of audio
        self._echo_leading_marks()
        chunk = SILENCE
        if self._queued:
            item = self._queued.popleft()
            assert isinstance(item, bytes)
            chunk = item
        frame = agent_frame(chunk, self._pts)
        self._pts += MULAW_FRAME_BYTES
        self.frames_played += 1
        return frame

    def _echo_leading_marks(self) -> None:
        """Marks at the head of the queue follow audio that has been played out by now."""
        while self._queued and isinstance(self._queued[0], str):
            name = self._queued.popleft()
            assert isinstance(name, str)
            self._on_mark(name)

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()
