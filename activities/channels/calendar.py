"""Calendar: the booking is written to the tenant's calendar table (a request that overlaps a booked slot is kept as a
conflict), and, when a CalDAV URL is set, PUT as an iCalendar object into the tenant's CalDAV collection too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels.base import Sent, short
from domain.integrations.calendar import Slot
from infra.db.tables_integrations import calendar_bookings


@dataclass(frozen=True)
class Booking:
    """The booking as recorded: `booked`, or `conflict` with the booking it overlaps."""

    id: UUID
    status: str
    conflicts_with: UUID | None = None


class CalendarPort(Protocol):
    async def book(self, key: str, tenant_id: UUID | None, call_sid: str, slot: Slot, summary: str,
                   ics: str) -> tuple[Booking, Sent]: ...


class TableCalendar:
    """The tenant's calendar in Postgres (the local twin, and the record the CalDAV adapter keeps as well)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, key: str, tenant_id: UUID | None, call_sid: str, slot: Slot, summary: str) -> Booking:
        t = calendar_bookings.c
        async with self._engine.begin() as conn:
            # One booking at a time per tenant, so two calls asking for one slot cannot both get it.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"calendar:{tenant_id}"})
            done = (await conn.execute(select(t.id, t.status, t.conflicts_with)
                                       .where(t.idempotency_key == key))).one_or_none()
            if done is not None:
                return Booking(done.id, done.status, done.conflicts_with)
            clash = (await conn.execute(select(t.id).where(
                t.tenant_id.is_not_distinct_from(tenant_id), t.status == "booked",
                t.starts_at < slot.ends_at, t.ends_at > slot.starts_at).order_by(t.starts_at).limit(1))).scalar()
            booking = Booking(uuid.uuid5(uuid.NAMESPACE_URL, f"revos-booking:{key}"),
                              "conflict" if clash is not None else "booked", clash)
            await conn.execute(pg_insert(calendar_bookings).values(
                id=booking.id, idempotency_key=key, tenant_id=tenant_id, call_sid=call_sid, starts_at=slot.starts_at,
                ends_at=slot.ends_at, all_day=slot.all_day, summary=summary, status=booking.status,
                conflicts_with=clash, created_at=func.now()))
        return booking

    async def book(self, key: str, tenant_id: UUID | None, call_sid: str, slot: Slot, summary: str,
                   ics: str) -> tuple[Booking, Sent]:
        booking = await self.record(key, tenant_id, call_sid, slot, summary)
        return booking, Sent(True, detail={"booking": str(booking.id), "status": booking.status})


class CaldavCalendar:
    """Records the booking like TableCalendar, then PUTs a booked one to `<url>/<tenant>/<booking>.ics`.

    `If-None-Match: *` makes the PUT create-only, so a retry after a lost answer (412) is already done.
    """

    def __init__(self, table: TableCalendar, url: str, *, username: str | None = None, password: str | None = None,
                 timeout: float = 10.0) -> None:
        self._table = table
        self._url = url.rstrip("/")
        self._auth = httpx.BasicAuth(username, password or "") if username else None
        self._timeout = timeout

    async def book(self, key: str, tenant_id: UUID | None, call_sid: str, slot: Slot, summary: str,
                   ics: str) -> tuple[Booking, Sent]:
        booking = await self._table.record(key, tenant_id, call_sid, slot, summary)
        detail = {"booking": str(booking.id), "status": booking.status}
        if booking.status != "booked":
            return booking, Sent(True, detail=detail)
        target = f"{self._url}/{tenant_id or 'default'}/{booking.id}.ics"
        try:
            async with httpx.AsyncClient(timeout=self._timeout, auth=self._auth) as client:
                response = await client.put(target, content=ics.replace("METHOD:REQUEST\r\n", ""), headers={
                    "Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"})
        except httpx.HTTPError as exc:
            return booking, Sent(False, f"CalDAV PUT failed: {short(exc)}")
        if response.status_code in (200, 201, 204, 412):
            return booking, Sent(True, detail={**detail, "caldav": target})
        return booking, Sent(False, f"CalDAV PUT answered HTTP {response.status_code}")
