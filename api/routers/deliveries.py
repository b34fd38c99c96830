"""Deliveries: operators list them (the parked ones above all), read one with its attempts, and redrive it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import EngineDep, OperatorOrAdminDep, TemporalDep
from domain.errors import Conflict, NotFound
from domain.integrations.messages import DeliveryStatus, Redrive, RedriveResult, delivery_workflow_id
from infra.db import event_store
from infra.db.tables_integrations import deliveries
from workflows.delivery import DeliveryWorkflow

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


class DeliveryPublic(BaseModel):
    """One delivery of one call's event to one integration, and where it stands."""

    id: str
    tenant_id: UUID | None
    call_sid: str
    integration_id: str
    integration_type: str
    event: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None


class DeliveriesPublic(BaseModel):
    """Deliveries, newest first."""

    deliveries: list[DeliveryPublic]


class DeliveryDetail(DeliveryPublic):
    """A delivery and its stream: every attempt and outcome."""

    events: list[dict[str, Any]]


@router.get("")
async def list_deliveries(_: OperatorOrAdminDep, engine: EngineDep, status: DeliveryStatus | None = None,
                          tenant_id: UUID | None = None, call_sid: str | None = None,
                          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> DeliveriesPublic:
    """Deliveries by status (`dead`: parked, waiting for a redrive), tenant and call."""
    query = select(deliveries).order_by(deliveries.c.updated_at.desc()).limit(limit)
    if status is not None:
        query = query.where(deliveries.c.status == status)
    if tenant_id is not None:
        query = query.where(deliveries.c.tenant_id == tenant_id)
    if call_sid is not None:
        query = query.where(deliveries.c.call_sid == call_sid)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return DeliveriesPublic(deliveries=[DeliveryPublic.model_validate(dict(r)) for r in rows])


@router.get("/{delivery_id}")
async def read_delivery(delivery_id: str, _: OperatorOrAdminDep, engine: EngineDep) -> DeliveryDetail:
    """One delivery with every attempt and outcome."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(deliveries).where(deliveries.c.id == delivery_id))).mappings().one_or_none()
        if row is None:
            raise NotFound(f"delivery {delivery_id} does not exist", code="delivery_not_found")
        events = await event_store.read_stream(conn, f"delivery:{delivery_id}")
    return DeliveryDetail(**dict(row), events=[
        {"seq": e.seq, "type": e.type, "occurred_at": e.occurred_at.isoformat(), **e.payload} for e in events])


@router.post("/{delivery_id}/redrive")
async def redrive(delivery_id: str, principal: OperatorOrAdminDep, engine: EngineDep,
                  client: TemporalDep) -> RedriveResult:
    """Send a parked delivery again (same idempotency key); 409 unless it is parked."""
    async with engine.connect() as conn:
        status = (await conn.execute(select(deliveries.c.status).where(deliveries.c.id == delivery_id))).scalar()
    if status is None:
        raise NotFound(f"delivery {delivery_id} does not exist", code="delivery_not_found")
    if status != "dead":  # the workflow's validator refuses too, for a redrive racing the projection
        raise Conflict(f"delivery {delivery_id} is {status}, not parked", code="delivery_not_parked")
    handle = client.get_workflow_handle(delivery_workflow_id(delivery_id))
    return await handle.execute_update(DeliveryWorkflow.redrive, Redrive(actor=f"{principal.role.value}:"
                                                                              f"{principal.id}"))
