"""Event store throughput and read latency.

Prints appended events/s one by one and in batches of 100, and p50/p95/p99 to read a 1,000-event
stream. Targets on a 2-core machine: >= 5,000 events/s batched, read p95 < 20 ms.
Run: .venv/bin/python -m benchmarks.event_store
"""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import UTC, datetime

from benchmarks.common import describe_ms, migrated_database, percentile
from domain.events import NewEvent
from infra.db.engine import make_engine
from infra.db.event_store import EventStore


def _event(i: int) -> NewEvent:
    return NewEvent(type="bench.happened", payload={"i": i, "note": "x" * 64}, occurred_at=datetime.now(UTC))


async def run(url: str) -> None:
    engine = make_engine(url)
    store = EventStore(engine)
    singles = 2_000
    started = time.perf_counter()
    for i in range(singles):
        await store.append(f"single:{i % 50}", [_event(i)])
    single_rate = singles / (time.perf_counter() - started)

    batches, batch = 200, [_event(i) for i in range(100)]
    started = time.perf_counter()
    for b in range(batches):
        await store.append(f"batch:{b % 20}", batch)
    batch_rate = batches * 100 / (time.perf_counter() - started)

    concurrent = 8
    started = time.perf_counter()
    await asyncio.gather(*(store.append(f"conc:{b % concurrent}", batch) for b in range(200)))
    conc_rate = 200 * 100 / (time.perf_counter() - started)

    await store.append("read:1k", [_event(i) for i in range(1000)])
    reads = []
    for _ in range(200):
        t = time.perf_counter()
        events = await store.read("read:1k")
        reads.append(time.perf_counter() - t)
        assert len(events) == 1000
    await engine.dispose()

    print(f"append one by one:          {single_rate:,.0f} events/s ({singles} appends)")
    print(f"append batches of 100:      {batch_rate:,.0f} events/s ({batches} batches)  target >= 5,000")
    print(f"append batches, 8 in flight: {conc_rate:,.0f} events/s")
    print(describe_ms("read 1,000-event stream", reads) + "  target p95 < 20 ms")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    ok = batch_rate >= 5000 and percentile([r * 1000 for r in reads], 95) < 20
    print("TARGETS MET" if ok else "TARGETS MISSED")


def main() -> None:
    with migrated_database() as url:
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
