"""Tenant rows (their history is the `tenant:<id>` stream)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from domain.tenants import Tenant
from infra.db import event_store
from infra.db.tables import tenants


async def create_tenant(conn: AsyncConnection, tenant: Tenant, now: datetime) -> Tenant:
    await conn.execute(insert(tenants).values(**tenant.model_dump(exclude={"created_at"}), created_at=now))
    await event_store.append(
        conn,
        stream_name("tenant", tenant.id),
        [NewEvent(type="tenant.created", payload=tenant.model_dump(mode="json"), occurred_at=now)],
        expected_version=0,
        tenant_id=tenant.id,
    )
    return tenant.model_copy(update={"created_at": now})


async def get_tenant(conn: AsyncConnection, tenant_id: UUID) -> Tenant | None:
    row = (await conn.execute(select(tenants).where(tenants.c.id == tenant_id))).one_or_none()
    return Tenant.model_validate(dict(row._mapping)) if row else None
