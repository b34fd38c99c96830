"""The STT port: a streaming session that takes 16 kHz PCM16 and yields partials and finals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

STT_SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Transcript:
    """A partial (is_final False) or final hypothesis; times are ms from the session start."""

    text: str
    is_final: bool
    confidence: float | None = None
    start_ms: int | None = None
    end_ms: int | None = None


class SttStream(Protocol):
    """One caller's audio for one call. `send` never blocks on recognition."""

    async def send(self, pcm16: bytes) -> None:
        """Feed mono PCM16 little-endian at STT_SAMPLE_RATE."""
        ...

    def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals, in order, until the stream is closed."""
        ...

    async def finalize(self) -> None:
        """Flush: whatever has been heard becomes a final (end of the caller's turn)."""
        ...

    async def close(self) -> None:
        """Release the session; `results` ends."""
        ...


@runtime_checkable
class HintableStream(Protocol):
    """A session that takes new hints in place (Whisper's prompt): nothing it has heard is lost."""

    def set_hints(self, hints: Sequence[str]) -> None:
        """What the caller is now expected to say; used by recognition from now on."""
        ...


class SpeechToText(Protocol):
    """Opens streaming sessions. `hints` constrain recognition (e.g. digits for a phone capture)."""

    name: str
    supports_hints: bool
    """Whether new hints need a new session (`open(hints=...)`); if not, one session serves the whole call
    (and takes new hints in place when it is a `HintableStream`)."""

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        """Start a session."""
        ...
