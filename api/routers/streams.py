"""Read an event stream; customers see only their tenant's streams."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import AnyRoleDep, StateDep, ensure_tenant
from domain.auth import Role
from domain.errors import NotFound
from domain.events import RecordedEvent
from infra.db import event_store

router = APIRouter(prefix="/v1/streams", tags=["events"])


class StreamPage(BaseModel):
    stream: str
    version: int
    events: list[RecordedEvent]


@router.get("/{stream:path}/events")
async def read_stream(
    stream: str,
    request: Request,
    state: StateDep,
    principal: AnyRoleDep,
    from_seq: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> StreamPage:
    """Events of one stream in order, from `from_seq`."""
    async with state.engine.connect() as conn:
        version = await event_store.stream_version(conn, stream)
        tenant_id = await event_store.stream_tenant(conn, stream)
        if principal.role is Role.CUSTOMER:
            await ensure_tenant(request, state, principal, tenant_id)
        if version == 0:
            raise NotFound(f"stream {stream!r} has no events", code="stream_not_found")
        events = await event_store.read_stream(conn, stream, from_seq=from_seq, limit=limit)
    return StreamPage(stream=stream, version=version, events=events)
