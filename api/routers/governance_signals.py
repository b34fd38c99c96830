"""Governance signals (admin): a blocking signal for a scope stops new contracts touching it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field
from sqlalchemy import insert, select, update

from api.deps import AdminDep, EngineDep, NowDep, require
from domain.auth import Principal, Role
from domain.errors import Conflict, NotFound
from domain.events import stream_name
from domain.text import RequiredText
from infra.db.governance_repo import append_once
from infra.db.tables_governance import governance_signals

router = APIRouter(prefix="/v1/governance-signals", tags=["governance"])
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR))]
STREAM = stream_name("governance", "signals")


class SignalCreate(BaseModel):
    scope: str = Field(min_length=1, max_length=100, pattern=r"^(\*|[a-z][a-z0-9_.-]*)$",
                       description="a capability name, or * for every scope")
    blocking: bool = True
    reason: RequiredText


class SignalPublic(BaseModel):
    id: UUID
    scope: str
    blocking: bool
    reason: str
    created_by: UUID | None
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: UUID | None


@router.get("")
async def list_signals(_: ReaderDep, engine: EngineDep) -> list[SignalPublic]:
    """Active signals (revoked ones are kept but not listed)."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(governance_signals).where(governance_signals.c.revoked_at.is_(None))
                                   .order_by(governance_signals.c.created_at))).mappings().all()
    return [SignalPublic.model_validate(dict(r)) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED)
async def raise_signal(body: SignalCreate, admin: AdminDep, engine: EngineDep, now: NowDep) -> SignalPublic:
    """Raise a governance signal for a scope (admin)."""
    signal = SignalPublic(id=uuid.uuid4(), scope=body.scope, blocking=body.blocking, reason=body.reason,
                          created_by=admin.id, created_at=now, revoked_at=None, revoked_by=None)
    async with engine.begin() as conn:
        await conn.execute(insert(governance_signals).values(**signal.model_dump()))
        await append_once(conn, STREAM, signal.id, "governance_signal.raised", signal.model_dump(mode="json"), now)
    return signal


@router.delete("/{signal_id}")
async def revoke_signal(signal_id: UUID, admin: AdminDep, engine: EngineDep, now: NowDep) -> SignalPublic:
    """Revoke a signal (admin); the row is kept with who revoked it and when."""
    async with engine.begin() as conn:
        row = (await conn.execute(select(governance_signals).where(governance_signals.c.id == signal_id)
                                  .with_for_update())).mappings().first()
        if row is None:
            raise NotFound(f"signal {signal_id} does not exist", code="signal_not_found")
        if row["revoked_at"] is not None:
            raise Conflict("signal already revoked", code="signal_revoked")
        await conn.execute(update(governance_signals).where(governance_signals.c.id == signal_id)
                           .values(revoked_at=now, revoked_by=admin.id))
        await append_once(conn, STREAM, uuid.uuid4(), "governance_signal.revoked",
                          {"signal_id": str(signal_id), "by": str(admin.id)}, now)
    return SignalPublic.model_validate({**dict(row), "revoked_at": now, "revoked_by": admin.id})
