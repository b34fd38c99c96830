"""What a replay reads from Postgres: the call's stream, a configuration version's canonical document (through
the onboarding's repository, infra/db/tenant_configs.py), the escalation number bound with a called number.
"""

from __future__ import annotations

import json
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import stream_name
from domain.replay import ReplayEvent
from infra.db import event_store, tenant_configs
from infra.db.tables_voice import tenant_phone_numbers


class PostgresReplaySources:
    """The replay's reads, each in its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def events(self, call_sid: str) -> list[ReplayEvent]:
        """The call's stream, in order (empty when the call is unknown)."""
        async with self._engine.connect() as conn:
            stored = await event_store.read_stream(conn, stream_name("call", call_sid))
        return [ReplayEvent(seq=e.seq, type=e.type, payload=e.payload, occurred_at=e.occurred_at) for e in stored]

    async def canonical(self, tenant_id: str, version: int) -> str | None:
        """A version's canonical JSON document (None when the tenant has no such version)."""
        async with self._engine.connect() as conn:
            stored = await tenant_configs.get_version(conn, UUID(tenant_id), version)
        return None if stored is None else json.dumps(stored.canonical)

    async def bound_transfer_to(self, number: str) -> str | None:
        """The escalation number bound with a phone number (the default graph's)."""
        if not number:
            return None
        async with self._engine.connect() as conn:
            row = await conn.execute(select(tenant_phone_numbers.c.transfer_to)
                                     .where(tenant_phone_numbers.c.number == number))
            value = row.scalar_one_or_none()
        return str(value) if value else None
