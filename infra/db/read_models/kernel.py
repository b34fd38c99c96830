"""Queries for the kernel's dashboard: the stored cycles, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables import tenants
from infra.db.tables_kernel import kernel_cycles


async def recent_cycles(conn: AsyncConnection, limit: int = 50) -> list[dict[str, Any]]:
    """Stored cycles with their tenant's name (input and output as stored), newest first."""
    query = (select(kernel_cycles, tenants.c.name.label("tenant_name"))
             .outerjoin(tenants, tenants.c.id == kernel_cycles.c.tenant_id)
             .order_by(kernel_cycles.c.executed_at.desc()).limit(limit))
    return [dict(r) for r in (await conn.execute(query)).mappings()]
