"""Tenants: operators and admins create them; anyone may read, customers only their own."""

from __future__ import annotations

import uuid
from uuid import UUID

from fastapi import APIRouter, Request, status

from api.deps import AnyRoleDep, EngineDep, NowDep, OperatorOrAdminDep, StateDep, ensure_tenant
from domain.errors import NotFound
from domain.tenants import Tenant, TenantCreate
from infra.db.tenants import create_tenant, get_tenant

router = APIRouter(prefix="/v1/tenants", tags=["tenants"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(body: TenantCreate, _: OperatorOrAdminDep, engine: EngineDep, now: NowDep) -> Tenant:
    """Create a tenant (timezone defaults to Australia/Sydney, locale to en-AU)."""
    tenant = Tenant(id=uuid.uuid4(), **body.model_dump())
    async with engine.begin() as conn:
        return await create_tenant(conn, tenant, now)


@router.get("/{tenant_id}")
async def read(tenant_id: UUID, request: Request, state: StateDep, principal: AnyRoleDep) -> Tenant:
    """One tenant."""
    await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        tenant = await get_tenant(conn, tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
    return tenant
