"""Measure how long the event loop is blocked while engines work (it must stay responsive)."""

from __future__ import annotations

import asyncio
import time


class LoopLag:
    """`async with LoopLag() as lag:` ... `lag.max_ms` is the worst delay of a 5 ms ticker."""

    def __init__(self, period_s: float = 0.005) -> None:
        self.period_s = period_s
        self.max_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.period_s)
            self.max_ms = max(self.max_ms, (time.perf_counter() - start - self.period_s) * 1000)

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
