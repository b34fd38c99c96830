"""The event buffer never blocks the loop, keeps order, retries while a destination is down."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from voice_runtime.call_events import CallEvent
from voice_runtime.event_buffer import EventBuffer
from voice_runtime.metrics import VoiceMetrics


class Flaky:
    name = "flaky"

    def __init__(self) -> None:
        self.up = False
        self.got: list[tuple[str, int]] = []
        self.attempts = 0

    async def deliver(self, call_sid: str, tenant_id: str | None, events: Sequence[CallEvent]) -> None:
        self.attempts += 1
        if not self.up:
            raise ConnectionError("down")
        self.got += [(e.call_sid, e.seq) for e in events]


def event(call: str, seq: int) -> CallEvent:
    return CallEvent(call_sid=call, tenant_id=None, seq=seq, type="x", payload={}, occurred_at=datetime.now(UTC))


async def test_events_wait_while_down_and_drain_in_order_when_back() -> None:
    dest = Flaky()
    buffer = EventBuffer([dest], capacity=100, metrics=VoiceMetrics(), retry_initial=0.01, retry_max=0.02)
    buffer.start()
    for i in range(1, 6):
        buffer.offer(event("A", i))
        buffer.offer(event("B", i))
    await asyncio.sleep(0.1)
    assert dest.attempts >= 2 and not dest.got and buffer.pending() == {"flaky": 10}
    dest.up = True
    assert await buffer.flush(2.0)
    assert [s for c, s in dest.got if c == "A"] == [1, 2, 3, 4, 5]
    assert [s for c, s in dest.got if c == "B"] == [1, 2, 3, 4, 5]
    await buffer.stop()


async def test_a_full_buffer_drops_and_counts_instead_of_blocking() -> None:
    metrics = VoiceMetrics()
    buffer = EventBuffer([Flaky()], capacity=3, metrics=metrics)
    for i in range(1, 6):
        buffer.offer(event("A", i))
    assert buffer.pending() == {"flaky": 3}
    assert metrics.events_dropped.labels("flaky")._value.get() == 2
