"""Refused media streams: counted in metrics and recorded as facts on `security:refusals`, never blocking.

A stream without a valid token is somebody trying to open a call we did not answer: who connected, what was
wrong, and for which call sid is written to the same stream the API's refused requests go to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from voice_runtime.metrics import VoiceMetrics

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 64  # a flood of refused streams must not become a flood of writes

RefusalWriter = Callable[[dict[str, Any]], Awaitable[None]]


class SecurityLog:
    """Counts every refusal; writes each one in the background (dropping, and saying so, past MAX_IN_FLIGHT)."""

    def __init__(self, metrics: VoiceMetrics, write: RefusalWriter | None = None) -> None:
        self._metrics = metrics
        self._write = write
        self._tasks: set[asyncio.Task[None]] = set()
        self.recorded: list[dict[str, Any]] = []

    def refused(self, reason: str, **detail: Any) -> None:
        """Record one refused stream."""
        self._metrics.stream_refusals.labels(reason).inc()
        fact = {"reason": reason, **detail}
        log.warning("media stream refused: %s", fact)
        self.recorded.append(fact)
        del self.recorded[:-100]
        if self._write is None:
            return
        if len(self._tasks) >= MAX_IN_FLIGHT:
            log.error("too many refusals in flight; not recording %s", fact)
            return
        task = asyncio.create_task(self._safe_write(fact), name="security-refusal")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _safe_write(self, fact: dict[str, Any]) -> None:
        assert self._write is not None
        try:
            await self._write(fact)
        except Exception:
            log.exception("could not record a refused media stream")

    async def drain(self) -> None:
        """Wait for the writes in flight (shutdown, tests)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
