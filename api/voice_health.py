"""Is the line up? The voice worker's own /healthz, asked with a short timeout and remembered for a few seconds."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
from pydantic import BaseModel

from infra.settings import Settings


class VoiceHealth(BaseModel):
    online: bool
    detail: str
    active_calls: int | None = None
    checked_at: datetime


class LineStatus(BaseModel):
    online: bool
    reason: str
    numbers: list[str]
    voice: VoiceHealth


def health_url(settings: Settings) -> str:
    return settings.voice_health_url or f"http://{settings.voice_host}:{settings.voice_port}/healthz"


class VoiceHealthProbe:
    """Asks the voice worker; a page render never waits longer than `timeout` for it."""

    def __init__(self, url: str, *, timeout: float = 0.5, ttl: float = 5.0) -> None:
        self.url = url
        self._timeout = timeout
        self._ttl = ttl
        self._last: tuple[float, VoiceHealth] | None = None
        self._lock = asyncio.Lock()

    async def check(self, now: datetime) -> VoiceHealth:
        async with self._lock:
            if self._last is not None and time.monotonic() - self._last[0] < self._ttl:
                return self._last[1]
            health = await self._ask(now)
            self._last = (time.monotonic(), health)
            return health

    async def _ask(self, now: datetime) -> VoiceHealth:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self.url)
            body = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            return VoiceHealth(online=False, detail=f"voice worker not reachable at {self.url} ({type(exc).__name__})",
                               checked_at=now)
        if body.get("status") != "ok":
            return VoiceHealth(online=False, detail=f"voice worker answered {response.status_code}", checked_at=now)
        active = body.get("active_calls")
        return VoiceHealth(online=True, detail=f"voice worker up (speech: {body.get('stt')}, {body.get('tts')})",
                           active_calls=int(active) if isinstance(active, int | float) else None, checked_at=now)


def line_status(voice: VoiceHealth, numbers: list[str]) -> LineStatus:
    """Online when the voice worker answers and the tenant has a number routed to it."""
    if not numbers:
        return LineStatus(online=False, reason="no phone number is routed to this tenant", numbers=[], voice=voice)
    if not voice.online:
        return LineStatus(online=False, reason="the voice service is not answering", numbers=numbers, voice=voice)
    return LineStatus(online=True, reason="answering calls", numbers=numbers, voice=voice)


def probe_of(app_state: object, settings: Settings) -> VoiceHealthProbe:
    """The app's one probe (made on first use, so the API starts without the voice worker)."""
    probe = getattr(app_state, "voice_health", None)
    if not isinstance(probe, VoiceHealthProbe):
        probe = VoiceHealthProbe(health_url(settings))
        setattr(app_state, "voice_health", probe)  # noqa: B010 - Starlette's State takes attributes
    return probe
