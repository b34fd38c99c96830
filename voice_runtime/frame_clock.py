"""One 20 ms ticker per process drives every call's pacer (no timer task per call)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from voice_runtime.metrics import VoiceMetrics

log = logging.getLogger(__name__)
TICK_S = 0.020


class Ticked(Protocol):
    """Something driven by the clock."""

    async def on_tick(self, now: float) -> None:
        """Do this tick's work; it must never wait on anything slow (every call's pacer shares the tick)."""
        ...


class FrameClock:
    """Ticks on an absolute 20 ms schedule; a late tick is caught up, not skipped."""

    def __init__(self, metrics: VoiceMetrics, now: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._now = now
        self._members: dict[int, Ticked] = {}
        self._task: asyncio.Task[None] | None = None

    def add(self, member: Ticked) -> None:
        """Drive `member` from the next tick on."""
        self._members[id(member)] = member
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="frame-clock")

    def remove(self, member: Ticked) -> None:
        """Stop driving `member`."""
        self._members.pop(id(member), None)

    async def stop(self) -> None:
        """Stop ticking."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        due = self._now()
        while True:
            due += TICK_S
            delay = due - self._now()
            if delay > 0:
                await asyncio.sleep(delay)
            now = self._now()
            self._metrics.tick_lateness.append(now - due)
            if now - due > 1.0:
                due = now  # the process was suspended; do not replay a second of ticks
            for member in list(self._members.values()):
                try:
                    await member.on_tick(now)
                except Exception:
                    log.exception("pacer tick failed")
