"""A tenant's calendar bookings (`appointment.requested` delivered to its calendar integration), each with the call
that asked for it and the state of the delivery that wrote it (a booking's invite e-mail may still be retrying).

The booking's idempotency key is its delivery's id (activities/delivery_send.py), which is the join.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables_dashboards import call_summaries
from infra.db.tables_integrations import calendar_bookings, deliveries


class BookingRow(BaseModel):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    summary: str
    status: str  # booked, or conflict (it overlaps a booked slot: the office calls back)
    call_sid: str
    caller: str | None
    created_at: datetime
    delivery_id: str | None
    delivery_status: str | None
    delivery_attempts: int | None
    delivery_error: str | None


async def bookings(conn: AsyncConnection, tenant_id: UUID, since: datetime, limit: int = 50) -> list[BookingRow]:
    """The tenant's bookings made since an instant, newest first."""
    b, d, c = calendar_bookings.c, deliveries.c, call_summaries.c
    query = (select(b.id, b.starts_at, b.ends_at, b.all_day, b.summary, b.status, b.call_sid, c.caller, b.created_at,
                    d.id.label("delivery_id"), d.status.label("delivery_status"),
                    d.attempts.label("delivery_attempts"), d.last_error.label("delivery_error"))
             .select_from(calendar_bookings.outerjoin(deliveries, d.id == b.idempotency_key)
                          .outerjoin(call_summaries, c.call_sid == b.call_sid))
             .where(b.tenant_id == tenant_id, b.created_at >= since)
             .order_by(b.created_at.desc()).limit(limit))
    return [BookingRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]
