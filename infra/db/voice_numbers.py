"""Phone-number routing rows: bind a number to a tenant; resolve the tenant of a called number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_voice import tenant_phone_numbers


@dataclass(frozen=True)
class NumberRoute:
    """The tenant that answers a number."""

    number: str
    tenant_id: UUID
    tenant_name: str
    timezone: str
    transfer_to: str | None = None


async def owner_of(conn: AsyncConnection, number: str) -> UUID | None:
    row = await conn.execute(select(tenant_phone_numbers.c.tenant_id).where(tenant_phone_numbers.c.number == number))
    value = row.scalar_one_or_none()
    return UUID(str(value)) if value is not None else None


async def bind_number(conn: AsyncConnection, tenant_id: UUID, number: str, now: datetime,
                      transfer_to: str | None = None) -> None:
    """Insert the binding and record it on the tenant's stream, in one transaction."""
    await conn.execute(insert(tenant_phone_numbers).values(number=number, tenant_id=tenant_id, created_at=now,
                                                           transfer_to=transfer_to))
    await event_store.append(
        conn, stream_name("tenant", tenant_id),
        [NewEvent(type="phone_number.bound", payload={"number": number, "transfer_to": transfer_to},
                  occurred_at=now)],
        tenant_id=tenant_id,
    )


async def numbers_of(conn: AsyncConnection, tenant_id: UUID) -> list[str]:
    rows = await conn.execute(select(tenant_phone_numbers.c.number)
                              .where(tenant_phone_numbers.c.tenant_id == tenant_id)
                              .order_by(tenant_phone_numbers.c.number))
    return [str(r) for r in rows.scalars()]


async def route_for(conn: AsyncConnection, number: str) -> NumberRoute | None:
    query = (select(tenant_phone_numbers.c.number, tenants.c.id, tenants.c.name, tenants.c.timezone,
                    tenant_phone_numbers.c.transfer_to)
             .join(tenants, tenants.c.id == tenant_phone_numbers.c.tenant_id)
             .where(tenant_phone_numbers.c.number == number))
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        return None
    return NumberRoute(number=row[0], tenant_id=UUID(str(row[1])), tenant_name=row[2], timezone=row[3],
                       transfer_to=row[4])
