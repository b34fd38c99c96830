"""Dashboards test helpers: tenants with numbers and customer keys, synthetic calls in the event store."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth import Role
from domain.events import NewEvent, stream_name
from domain.tenants import Tenant
from infra.db import event_store
from infra.db.principals import create_principal
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from voice_runtime.testing.call_history import CallShape, synthetic_call


async def tenant_with_key(engine: AsyncEngine, name: str, now: datetime, number: str | None = None
                          ) -> tuple[UUID, str]:
    """A tenant (with a number routed to it, if given) and a customer key scoped to it."""
    tenant = Tenant(id=uuid.uuid4(), name=name)
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
        if number:
            await bind_number(conn, tenant.id, number, now)
        _, key = await create_principal(conn, name=f"{name} owner", role=Role.CUSTOMER, tenant_id=tenant.id)
    return tenant.id, key


async def append_call(engine: AsyncEngine, call_sid: str, tenant_id: UUID | None, events: list[NewEvent]) -> None:
    """Append a call's events as the voice worker's Postgres delivery does (tenant-scoped `call:<sid>`)."""
    numbered = [e.model_copy(update={"payload": {**e.payload, "call_seq": i + 1}}) for i, e in enumerate(events)]
    async with engine.begin() as conn:
        await event_store.append(conn, stream_name("call", call_sid), numbered, expected_version=0,
                                 tenant_id=tenant_id)


async def seed_calls(engine: AsyncEngine, tenant_id: UUID, starts: list[datetime], *, seed: int = 7,
                     shape: CallShape | None = None, config_version: int | None = None,
                     smoke: bool = False) -> list[str]:
    """Synthetic calls of one tenant at the given instants (on a configuration version, if given; onboarding's
    smoke calls if `smoke`, as a smoke grant's `call.started` says); their sids."""
    rng = random.Random(seed)
    sids = []
    for at in starts:
        sid = "CA" + uuid.UUID(int=rng.getrandbits(128)).hex
        caller = "+614" + "".join(str(rng.randrange(10)) for _ in range(8))
        events = synthetic_call(rng, sid, str(tenant_id), at, caller=caller, shape=shape)
        started: dict[str, object] = {"config_version": config_version} if config_version is not None else {}
        if smoke:
            started["smoke"] = True
        if started:
            events = [e.model_copy(update={"payload": {**e.payload, **started}})
                      if e.type == "call.started" else e for e in events]
        await append_call(engine, sid, tenant_id, events)
        sids.append(sid)
    return sids


def event(type_: str, at: datetime, **payload: Any) -> NewEvent:
    return NewEvent(type=type_, payload=payload, occurred_at=at)
