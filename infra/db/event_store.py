"""Append-only event store with optimistic concurrency and gapless per-stream sequences.

Each stream's version lives in `streams`; an append bumps it under a row lock in the same
transaction that inserts the events, so concurrent appenders serialize and seq stays 1..N.
Functions take an AsyncConnection so a domain can append in the transaction that writes its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.errors import ConcurrencyConflict
from domain.events import NewEvent, RecordedEvent
from infra.db.tables import events

ANY = None

_BUMP_ANY = text(
    "INSERT INTO streams (stream, version, tenant_id) VALUES (:stream, :n, :tenant_id) "
    "ON CONFLICT (stream) DO UPDATE SET version = streams.version + :n RETURNING version"
)
_BUMP_NEW = text(
    "INSERT INTO streams (stream, version, tenant_id) VALUES (:stream, :n, :tenant_id) "
    "ON CONFLICT (stream) DO NOTHING RETURNING version"
)
_BUMP_EXPECTED = text(
    "UPDATE streams SET version = version + :n WHERE stream = :stream AND version = :expected RETURNING version"
)


async def stream_version(conn: AsyncConnection, stream: str) -> int:
    row = await conn.execute(text("SELECT version FROM streams WHERE stream = :s"), {"s": stream})
    value = row.scalar_one_or_none()
    return int(value) if value is not None else 0


async def stream_tenant(conn: AsyncConnection, stream: str) -> UUID | None:
    row = await conn.execute(text("SELECT tenant_id FROM streams WHERE stream = :s"), {"s": stream})
    value = row.scalar_one_or_none()
    return UUID(str(value)) if value is not None else None


async def _reserve(
    conn: AsyncConnection, stream: str, n: int, expected_version: int | None, tenant_id: UUID | None
) -> int:
    """Bump the stream's version by n; returns the first seq of the reserved range."""
    params: dict[str, Any] = {"stream": stream, "n": n, "tenant_id": tenant_id}
    if expected_version is None:
        statement = _BUMP_ANY
    elif expected_version == 0:
        statement = _BUMP_NEW
    else:
        statement = _BUMP_EXPECTED
        params["expected"] = expected_version
    new_version = (await conn.execute(statement, params)).scalar_one_or_none()
    if new_version is None:
        actual = await stream_version(conn, stream)
        raise ConcurrencyConflict(
            f"stream {stream!r} is at version {actual}, not {expected_version}",
            details={"stream": stream, "expected_version": expected_version, "actual_version": actual},
        )
    return int(new_version) - n + 1


async def append(
    conn: AsyncConnection,
    stream: str,
    new_events: Sequence[NewEvent],
    expected_version: int | None = ANY,
    *,
    tenant_id: UUID | None = None,
) -> int:
    """Append events to a stream; returns the stream's new version (the last seq).

    `expected_version` None appends wherever the stream is; an int must equal the current
    version (0 for a new stream) or ConcurrencyConflict is raised and nothing is written.
    `tenant_id` scopes a new stream to a tenant (customers may read only their tenant's streams).
    """
    if not new_events:
        return await stream_version(conn, stream)
    first = await _reserve(conn, stream, len(new_events), expected_version, tenant_id)
    rows = [
        {
            "stream": stream,
            "seq": first + i,
            "type": e.type,
            "schema_version": e.schema_version,
            "payload": e.payload,
            "occurred_at": e.occurred_at,
        }
        for i, e in enumerate(new_events)
    ]
    await conn.execute(insert(events), rows)
    return first + len(new_events) - 1


async def read_stream(
    conn: AsyncConnection, stream: str, *, from_seq: int = 1, limit: int | None = None
) -> list[RecordedEvent]:
    query = select(events).where(events.c.stream == stream, events.c.seq >= from_seq).order_by(events.c.seq)
    if limit is not None:
        query = query.limit(limit)
    result = await conn.execute(query)
    return [RecordedEvent.model_validate(dict(row._mapping)) for row in result]


class EventStore:
    """Engine-bound convenience: each call is its own transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(
        self,
        stream: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None = ANY,
        *,
        tenant_id: UUID | None = None,
    ) -> int:
        async with self._engine.begin() as conn:
            return await append(conn, stream, new_events, expected_version, tenant_id=tenant_id)

    async def read(self, stream: str, *, from_seq: int = 1, limit: int | None = None) -> list[RecordedEvent]:
        async with self._engine.connect() as conn:
            return await read_stream(conn, stream, from_seq=from_seq, limit=limit)

    async def version(self, stream: str) -> int:
        async with self._engine.connect() as conn:
            return await stream_version(conn, stream)
