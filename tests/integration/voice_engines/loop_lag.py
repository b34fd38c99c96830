"""Whether the event loop stays free while an engine works: the loop thread's own CPU time, and its worst lag.

`loop_cpu_ms` is what the event loop's thread itself computed inside the block (time.thread_time): had the
engine run on the loop, it would hold the engine's whole inference (hundreds of ms). It does not count time
spent waiting for a core, so it holds on a loaded machine too, where `max_ms` (the worst delay of a 5 ms
ticker) also measures the operating system's scheduling and is reported, not asserted.
"""

from __future__ import annotations

import asyncio
import time


class LoopLag:
    """`async with LoopLag() as lag:` ... then `lag.loop_cpu_ms` and `lag.max_ms`."""

    def __init__(self, period_s: float = 0.005) -> None:
        self.period_s = period_s
        self.max_ms = 0.0
        self.loop_cpu_ms = 0.0
        self._cpu0 = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.period_s)
            self.max_ms = max(self.max_ms, (time.perf_counter() - start - self.period_s) * 1000)

    async def __aenter__(self) -> LoopLag:
        self._cpu0 = time.thread_time()
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.loop_cpu_ms = (time.thread_time() - self._cpu0) * 1000

    def __repr__(self) -> str:
        return f"LoopLag(loop_cpu_ms={self.loop_cpu_ms:.1f}, max_ms={self.max_ms:.1f})"
