"""Awaiting long work inside an activity while telling Temporal the worker is alive.

An activity that waits minutes (a smoke or persona call, an onboarding run) heartbeats, and its workflow gives it a
heartbeat timeout: a worker that dies mid-call is noticed within that timeout and the activity retried on another,
instead of at the end of its start-to-close timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")
HEARTBEAT_SECONDS = 5.0  # how often; the workflows' heartbeat timeouts allow for a few missed beats


async def heartbeating(work: Awaitable[T], every: float = HEARTBEAT_SECONDS) -> T:
    """`await work`, heartbeating every `every` seconds while it runs (when called in an activity)."""
    task = asyncio.ensure_future(work)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=every)
            if not task.done() and activity.in_activity():
                activity.heartbeat()
        return task.result()
    finally:
        task.cancel()
