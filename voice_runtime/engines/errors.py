"""Errors raised by speech engines (STT and TTS) that the voice runtime turns into error frames."""

from __future__ import annotations


class SpeechEngineError(RuntimeError):
    """A speech engine failed in a way the call cannot recover from by itself (after retries)."""

    def __init__(self, engine: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{engine}: {message}")
        self.engine = engine
        self.status = status


class SpeechEngineAuthError(SpeechEngineError):
    """The provider rejected the configured API key: a deployment problem, never retried."""
