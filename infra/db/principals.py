"""Principals and their API keys. Keys are 256-bit random tokens, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.auth import Principal, Role
from infra.db.tables import principals

KEY_PREFIX = "rk_"


def hash_key(key: str) -> str:
    # A fast hash is enough: keys carry 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def create_principal(
    conn: AsyncConnection, *, name: str, role: Role, tenant_id: UUID | None = None
) -> tuple[Principal, str]:
    """Create a principal; returns it with its key, which is never stored or shown again."""
    key = new_key()
    principal = Principal(id=uuid.uuid4(), name=name, role=role, tenant_id=tenant_id)
    await conn.execute(
        insert(principals).values(
            id=principal.id, name=name, role=role.value, tenant_id=tenant_id, key_hash=hash_key(key)
        )
    )
    return principal, key


async def principal_for_key(conn: AsyncConnection, key: str) -> Principal | None:
    row = (
        await conn.execute(
            select(principals.c.id, principals.c.name, principals.c.role, principals.c.tenant_id).where(
                principals.c.key_hash == hash_key(key)
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return Principal(id=row.id, name=row.name, role=Role(row.role), tenant_id=row.tenant_id)
