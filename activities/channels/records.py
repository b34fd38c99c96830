"""What the channels sent, in Postgres: each channel's record, keyed by the idempotency key (sent at most once)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine


async def already_sent(engine: AsyncEngine, table: Table, key: str) -> bool:
    async with engine.connect() as conn:
        return (await conn.execute(select(table.c.id).where(table.c.idempotency_key == key))).first() is not None


async def record(engine: AsyncEngine, table: Table, key: str, **values: Any) -> bool:
    """Record a send; False if this key was already recorded (nothing written)."""
    async with engine.begin() as conn:
        result = await conn.execute(pg_insert(table).values(idempotency_key=key, **values)
                                    .on_conflict_do_nothing(index_elements=["idempotency_key"]))
        return bool(result.rowcount)


def tenant(tenant_id: UUID | None) -> dict[str, UUID | None]:
    return {"tenant_id": tenant_id}
