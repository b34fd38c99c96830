"""Tenant secrets in Postgres (sealed by infra.secrets_box); only their names ever leave this module unsealed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.tables_integrations import tenant_secrets
from infra.secrets_box import SecretBox


async def store_secret(conn: AsyncConnection, box: SecretBox, tenant_id: UUID, name: str, value: str,
                       now: datetime) -> bool:
    """Store (or replace) a secret; True if it replaced one. The tenant's stream records the name, not the value."""
    existed = name in await secret_names(conn, tenant_id)
    sealed = box.seal(tenant_id, name, value)
    await conn.execute(pg_insert(tenant_secrets).values(
        tenant_id=tenant_id, name=name, ciphertext=sealed, key_id=box.key_id, created_at=now, updated_at=now,
    ).on_conflict_do_update(index_elements=["tenant_id", "name"],
                            set_={"ciphertext": sealed, "key_id": box.key_id, "updated_at": now}))
    await event_store.append(conn, stream_name("tenant", tenant_id), [NewEvent(
        type="tenant.secret_stored", payload={"name": name, "replaced": existed, "key_id": box.key_id},
        occurred_at=now)], tenant_id=tenant_id)
    return existed


async def secret_names(conn: AsyncConnection, tenant_id: UUID) -> set[str]:
    """The names of the tenant's stored secrets (what the compiler's `secret_names` check takes)."""
    rows = await conn.execute(select(tenant_secrets.c.name).where(tenant_secrets.c.tenant_id == tenant_id))
    return {r.name for r in rows}


async def read_secret(conn: AsyncConnection, box: SecretBox, tenant_id: UUID, name: str) -> str | None:
    """The secret's value for an adapter that signs with it; None if the tenant has no such secret."""
    row = (await conn.execute(select(tenant_secrets.c.ciphertext).where(
        tenant_secrets.c.tenant_id == tenant_id, tenant_secrets.c.name == name))).one_or_none()
    return box.open(tenant_id, name, row.ciphertext) if row is not None else None
