"""The bounded, non-blocking buffer between the call loop and the slow world (Postgres, Temporal).

`offer` only appends to an in-memory deque per destination (or counts a drop when it is full), so
the call loop never waits. One drain task per destination delivers batches in order, retrying
with backoff while the destination is down; deliveries are idempotent, so a batch whose
acknowledgement was lost is harmless to send again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from voice_runtime.call_events import CallEvent
from voice_runtime.metrics import VoiceMetrics

log = logging.getLogger(__name__)


class Delivery(Protocol):
    """A destination for call events; `deliver` raises when it could not deliver."""

    name: str

    async def deliver(self, call_sid: str, tenant_id: str | None, events: Sequence[CallEvent]) -> None:
        """Deliver one call's consecutive events, idempotently."""
        ...


@dataclass
class _Lane:
    delivery: Delivery
    queue: deque[CallEvent] = field(default_factory=deque)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    failures: int = 0
    delivered: int = 0
    last_error: str | None = None


class EventBuffer:
    """Fans events out to every delivery through its own bounded lane."""

    def __init__(
        self,
        deliveries: Sequence[Delivery],
        *,
        capacity: int,
        metrics: VoiceMetrics,
        retry_initial: float = 0.2,
        retry_max: float = 5.0,
        batch_size: int = 200,
        attempt_timeout: float = 10.0,
    ) -> None:
        self._lanes = [_Lane(d) for d in deliveries]
        self._capacity = capacity
        self._metrics = metrics
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._batch_size = batch_size
        self._attempt_timeout = attempt_timeout
        self._tasks: list[asyncio.Task[None]] = []

    def offer(self, event: CallEvent) -> None:
        """Never blocks, never raises: queue the event for every destination or count the drop."""
        for lane in self._lanes:
            if len(lane.queue) >= self._capacity:
                self._metrics.events_dropped.labels(lane.delivery.name).inc()
                continue
            lane.queue.append(event)
            self._metrics.events_pending.labels(lane.delivery.name).set(len(lane.queue))
            lane.wakeup.set()

    def start(self) -> None:
        """Start one drain task per destination."""
        self._tasks = [asyncio.create_task(self._drain(lane), name=f"drain-{lane.delivery.name}")
                       for lane in self._lanes]

    async def stop(self, drain_timeout: float = 0.0) -> None:
        """Optionally wait for the lanes to empty, then stop draining (what is left is lost)."""
        if drain_timeout > 0:
            await self.flush(drain_timeout)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def pending(self) -> dict[str, int]:
        """Events waiting per destination."""
        return {lane.delivery.name: len(lane.queue) for lane in self._lanes}

    def status(self) -> dict[str, dict[str, object]]:
        """Per-destination backlog, deliveries and the last error (for /healthz)."""
        return {lane.delivery.name: {"pending": len(lane.queue), "delivered": lane.delivered,
                                     "failures": lane.failures, "last_error": lane.last_error}
                for lane in self._lanes}

    async def flush(self, timeout: float) -> bool:
        """Wait until every lane is empty; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while any(lane.queue for lane in self._lanes):
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    async def _drain(self, lane: _Lane) -> None:
        delay, streak = self._retry_initial, 0
        while True:
            if not lane.queue:
                lane.wakeup.clear()
                await lane.wakeup.wait()
                continue
            batch = [lane.queue[i] for i in range(min(self._batch_size, len(lane.queue)))]
            try:
                await asyncio.wait_for(self._deliver(lane.delivery, batch), self._attempt_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                lane.failures += 1
                lane.last_error = repr(exc)[:300]
                streak += 1
                if streak == 1 or streak % 50 == 0:  # the first failure of an outage, then now and then
                    log.warning("event delivery to %s failed %d time(s) (%s); retrying, backlog %d",
                                lane.delivery.name, streak, lane.last_error, len(lane.queue))
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            if streak:
                log.info("event delivery to %s is back after %d failure(s)", lane.delivery.name, streak)
            delay, streak = self._retry_initial, 0
            for _ in batch:
                lane.queue.popleft()
            lane.delivered += len(batch)
            self._metrics.events_pending.labels(lane.delivery.name).set(len(lane.queue))

    @staticmethod
    async def _deliver(delivery: Delivery, batch: list[CallEvent]) -> None:
        groups: dict[str, list[CallEvent]] = {}
        for event in batch:
            groups.setdefault(event.call_sid, []).append(event)
        for call_sid, events in groups.items():
            await delivery.deliver(call_sid, events[0].tenant_id, events)
