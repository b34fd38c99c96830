"""The TTS port: text in, a stream of 8 kHz mu-law chunks out (what Twilio Media Streams plays)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

TTS_SAMPLE_RATE = 8_000


class TextToSpeech(Protocol):
    """Streams audio for one utterance; the first chunk should come as soon as possible.

    Cancelling the iteration (barge-in) must stop generation promptly and release resources.
    """

    name: str

    def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """Yield mono mu-law bytes at TTS_SAMPLE_RATE, in chunks of any size."""
        ...
