"""The event store: append-only at the database, gapless seq under concurrency, optimistic conflicts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import ConcurrencyConflict
from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.event_store import EventStore

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)
NEW, RACE, ANY = stream_name("s", "new"), stream_name("s", "race"), stream_name("s", "any")


def ev(n: int) -> NewEvent:
    return NewEvent(type="thing.happened", payload={"n": n}, occurred_at=NOW)


async def test_append_and_read_in_order(engine: AsyncEngine) -> None:
    store = EventStore(engine)
    assert await store.append("s:1", [ev(1), ev(2)], expected_version=0) == 2
    assert await store.append("s:1", [ev(3)], expected_version=2) == 3
    read = await store.read("s:1")
    assert [e.seq for e in read] == [1, 2, 3]
    assert [e.payload["n"] for e in read] == [1, 2, 3]
    assert read[0].occurred_at == NOW


async def test_wrong_expected_version_conflicts_and_writes_nothing(engine: AsyncEngine) -> None:
    store = EventStore(engine)
    await store.append("s:2", [ev(1)], expected_version=0)
    with pytest.raises(ConcurrencyConflict) as info:
        await store.append("s:2", [ev(2), ev(3)], expected_version=0)
    assert info.value.details["actual_version"] == 1
    with pytest.raises(ConcurrencyConflict):
        await store.append(NEW, [ev(1)], expected_version=3)
    assert [e.seq for e in await store.read("s:2")] == [1]
    assert await store.version(NEW) == 0


@pytest.mark.parametrize("statement", [
    "UPDATE events SET type = 'rewritten'",
    "DELETE FROM events",
    "TRUNCATE events",
])
async def test_database_refuses_mutation_of_events(engine: AsyncEngine, statement: str) -> None:
    await EventStore(engine).append("s:3", [ev(1)])
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    assert len(await EventStore(engine).read("s:3")) == 1


async def test_fifty_concurrent_optimistic_appends_are_gapless(engine: AsyncEngine) -> None:
    async def writer(n: int) -> None:
        while True:
            try:
                async with engine.begin() as conn:
                    version = await event_store.stream_version(conn, RACE)
                    await event_store.append(conn, RACE, [ev(n)], expected_version=version)
                return
            except ConcurrencyConflict:
                await asyncio.sleep(0)

    await asyncio.gather(*(writer(n) for n in range(50)))
    events = await EventStore(engine).read(RACE)
    assert [e.seq for e in events] == list(range(1, 51))
    assert sorted(e.payload["n"] for e in events) == list(range(50))


async def test_fifty_concurrent_unconditional_appends_are_gapless(engine: AsyncEngine) -> None:
    store = EventStore(engine)
    await asyncio.gather(*(store.append(ANY, [ev(n)]) for n in range(50)))
    assert [e.seq for e in await store.read(ANY)] == list(range(1, 51))
