"""WebRTC rows: a tenant's line as the voice worker plans a browser call, and the tenant's public widgets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_voice import tenant_phone_numbers
from infra.db.tables_webrtc import tenant_widgets
from infra.db.voice_numbers import NumberRoute


@dataclass(frozen=True)
class Widget:
    """A public widget: its id goes in the tenant's web page and can only ask for that tenant's call tokens."""

    widget_id: str
    tenant_id: UUID
    label: str
    allowed_origins: list[str]
    created_at: datetime
    revoked_at: datetime | None = None


async def line_of(conn: AsyncConnection, tenant_id: UUID) -> NumberRoute | None:
    """The tenant as a browser call reaches it: its first number (the line it "called"; "" if it has none),
    name, timezone and escalation number, as a phone call's route has them (None: no such tenant)."""
    row = (await conn.execute(select(tenants.c.id, tenants.c.name, tenants.c.timezone)
                              .where(tenants.c.id == tenant_id))).one_or_none()
    if row is None:
        return None
    numbers = (await conn.execute(
        select(tenant_phone_numbers.c.number, tenant_phone_numbers.c.transfer_to)
        .where(tenant_phone_numbers.c.tenant_id == tenant_id)
        .order_by(tenant_phone_numbers.c.created_at, tenant_phone_numbers.c.number))).all()
    transfer_to = next((n.transfer_to for n in numbers if n.transfer_to), None)
    return NumberRoute(number=numbers[0].number if numbers else "", tenant_id=UUID(str(row[0])), tenant_name=row[1],
                       timezone=row[2], transfer_to=transfer_to)


def new_widget_id() -> str:
    return "wgt_" + secrets.token_urlsafe(18)


async def create_widget(conn: AsyncConnection, tenant_id: UUID, label: str, origins: list[str],
                        now: datetime) -> Widget:
    """Insert a widget and record it on the tenant's stream, in one transaction."""
    widget = Widget(widget_id=new_widget_id(), tenant_id=tenant_id, label=label, allowed_origins=origins,
                    created_at=now)
    await conn.execute(insert(tenant_widgets).values(widget_id=widget.widget_id, tenant_id=tenant_id, label=label,
                                                     allowed_origins=origins, created_at=now))
    await event_store.append(conn, stream_name("tenant", tenant_id), [NewEvent(
        type="widget.created", payload={"widget_id": widget.widget_id, "label": label, "allowed_origins": origins},
        occurred_at=now)], tenant_id=tenant_id)
    return widget


async def revoke_widget(conn: AsyncConnection, tenant_id: UUID, widget_id: str, now: datetime) -> bool:
    """Revoke a live widget of the tenant (False: none such); recorded on the tenant's stream."""
    done = await conn.execute(update(tenant_widgets)
                              .where(tenant_widgets.c.widget_id == widget_id, tenant_widgets.c.tenant_id == tenant_id,
                                     tenant_widgets.c.revoked_at.is_(None))
                              .values(revoked_at=now))
    if done.rowcount == 0:
        return False
    await event_store.append(conn, stream_name("tenant", tenant_id), [NewEvent(
        type="widget.revoked", payload={"widget_id": widget_id}, occurred_at=now)], tenant_id=tenant_id)
    return True


def _widget(row: object) -> Widget:
    data = dict(row._mapping)  # type: ignore[attr-defined]
    return Widget(widget_id=data["widget_id"], tenant_id=UUID(str(data["tenant_id"])), label=data["label"],
                  allowed_origins=list(data["allowed_origins"]), created_at=data["created_at"],
                  revoked_at=data["revoked_at"])


async def widget(conn: AsyncConnection, widget_id: str) -> Widget | None:
    """One widget, revoked or not."""
    row = (await conn.execute(select(tenant_widgets).where(tenant_widgets.c.widget_id == widget_id))).one_or_none()
    return _widget(row) if row is not None else None


async def widgets_of(conn: AsyncConnection, tenant_id: UUID) -> list[Widget]:
    """The tenant's widgets, newest first."""
    rows = await conn.execute(select(tenant_widgets).where(tenant_widgets.c.tenant_id == tenant_id)
                              .order_by(tenant_widgets.c.created_at.desc()))
    return [_widget(r) for r in rows]
