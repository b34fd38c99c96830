"""Cloud TTS: ElevenLabs streaming through the official `elevenlabs` SDK, straight to 8 kHz mu-law.

`POST /v1/text-to-speech/{voice_id}/stream?output_format=ulaw_8000` streams the utterance as raw
mu-law bytes: exactly what Twilio plays, so nothing is transcoded. A connection dropped mid-stream,
a rate limit or a 5xx is retried (bounded, with backoff); a retry after some audio was delivered
asks for the same utterance with the same seed and skips the bytes already played, so the caller
hears neither a repeat nor a gap. A rejected key raises `SpeechEngineAuthError`. Closing the
iterator (barge-in) closes the HTTP response, which stops generation at the provider.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from voice_runtime.engines.errors import SpeechEngineAuthError, SpeechEngineError

log = logging.getLogger(__name__)
_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class ElevenLabsTts:
    """`TextToSpeech` on ElevenLabs HTTP streaming; one client (connection pool) per process."""

    name = "elevenlabs"

    def __init__(
        self,
        api_key: str,
        *,
        url: str = "https://api.elevenlabs.io",
        voice_id: str = "21m00Tcm4TlvDq8ikWAM",
        model_id: str = "eleven_flash_v2_5",
        max_retries: int = 2,
        retry_delay_s: float = 0.2,
        timeout_s: float = 15.0,
        seed: int = 1,
        chunk_bytes: int = 800,
    ) -> None:
        from elevenlabs.client import AsyncElevenLabs

        self._client = AsyncElevenLabs(api_key=api_key, base_url=url, timeout=timeout_s)
        self.voice_id = voice_id
        self.model_id = model_id
        self.max_retries = max_retries
        self.retry_delay_s = retry_delay_s
        self.seed = seed
        self.chunk_bytes = chunk_bytes

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """Yield 8 kHz mu-law chunks as the provider streams them (nothing for blank text)."""
        if not text.strip():
            return
        delivered = 0
        failures = 0
        while True:
            try:
                async for chunk in self._stream(text, skip=delivered):
                    delivered += len(chunk)
                    failures = 0
                    yield chunk
                return
            except SpeechEngineError:
                raise
            except Exception as exc:
                failures += 1
                self._raise_unless_retryable(exc, failures)
                log.warning("elevenlabs stream failed (%r); retry %d after %d bytes", exc, failures, delivered)
            await asyncio.sleep(self.retry_delay_s * failures)

    async def _stream(self, text: str, *, skip: int) -> AsyncIterator[bytes]:
        stream = self._client.text_to_speech.stream(
            self.voice_id,
            text=text,
            model_id=self.model_id,
            output_format="ulaw_8000",
            seed=self.seed,
            request_options={"max_retries": 0, "chunk_size": self.chunk_bytes},
        )
        async for chunk in stream:
            if skip >= len(chunk):
                skip -= len(chunk)
                continue
            if skip:
                chunk, skip = chunk[skip:], 0
            yield chunk

    def _raise_unless_retryable(self, exc: Exception, failures: int) -> None:
        status = getattr(exc, "status_code", None)
        if status in (401, 403):
            raise SpeechEngineAuthError(
                "elevenlabs", f"API key rejected (HTTP {status}): {_detail(exc)}", status=status
            ) from exc
        if status is not None and status not in _RETRYABLE_STATUS:
            raise SpeechEngineError(
                "elevenlabs", f"request refused (HTTP {status}): {_detail(exc)}", status=status
            ) from exc
        if failures > self.max_retries:
            raise SpeechEngineError(
                "elevenlabs", f"giving up after {failures} failed attempts: {exc!r}", status=status
            ) from exc


def _detail(exc: Exception) -> str:
    """The provider's own message from an SDK ApiError body (`{"detail": {"message": ...}}`)."""
    body: Any = getattr(exc, "body", None)
    if isinstance(body, dict):
        detail = body.get("detail", body)
        if isinstance(detail, dict):
            return str(detail.get("message") or detail.get("status") or detail)
        return str(detail)
    return str(body or exc)
