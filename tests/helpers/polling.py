"""The one way tests wait for something the system does in the background (a workflow, a worker, a timer)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def until(probe: Callable[[], Awaitable[T | None]], *, accept: Callable[[T], Any] = bool,
                timeout: float = 20.0, every: float = 0.05) -> T:
    """Call `probe` until it returns a value `accept` holds for (by default: truthy) and return that value.

    None is never accepted. Fails after `timeout` seconds with the last value seen, so a test that times
    out says what it saw.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await probe()
        if value is not None and accept(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"not met within {timeout:g} s; last seen: {value!r}"[:2000])
        await asyncio.sleep(every)
