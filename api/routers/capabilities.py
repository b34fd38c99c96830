"""The capability registry (admin): names, health checks (invariants) and initial state."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from api.deps import AdminDep, EngineDep, NowDep, require
from domain.auth import Principal, Role
from domain.errors import Conflict
from domain.governance.changes import JsonScalar
from domain.governance.health import CapabilityCheck
from infra.db.governance_repo import append_once
from infra.db.tables_governance import capabilities, capability_states

router = APIRouter(prefix="/v1/capabilities", tags=["governance"])
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE))]


class CapabilityCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.-]*$")
    description: str = Field(default="", max_length=2000)
    checks: list[CapabilityCheck] = Field(default_factory=list)
    initial_state: dict[str, JsonScalar] = Field(default_factory=dict)


class CapabilityPublic(BaseModel):
    name: str
    description: str
    checks: list[CapabilityCheck]
    state: dict[str, Any]
    version: int


class CapabilitiesPublic(BaseModel):
    items: list[CapabilityPublic]
    count: int


def _query() -> Any:
    return (select(capabilities.c.name, capabilities.c.description, capabilities.c.checks,
                   capability_states.c.state, capability_states.c.version)
            .join(capability_states, capability_states.c.capability == capabilities.c.name)
            .order_by(capabilities.c.name))


@router.get("")
async def list_capabilities(_: ReaderDep, engine: EngineDep) -> CapabilitiesPublic:
    """Every registered capability with its checks and current state."""
    async with engine.connect() as conn:
        rows = (await conn.execute(_query())).mappings().all()
    items = [CapabilityPublic.model_validate(dict(r)) for r in rows]
    return CapabilitiesPublic(items=items, count=len(items))


@router.post("", status_code=status.HTTP_201_CREATED)
async def register(body: CapabilityCreate, admin: AdminDep, engine: EngineDep, now: NowDep) -> CapabilityPublic:
    """Register a capability (admin); its checks are what health evaluates after every job."""
    checks = [c.model_dump(exclude_none=True) for c in body.checks]
    async with engine.begin() as conn:
        inserted = await conn.execute(pg_insert(capabilities).values(
            name=body.name, description=body.description, checks=checks, created_by=admin.id, created_at=now,
        ).on_conflict_do_nothing().returning(capabilities.c.name))
        if inserted.first() is None:
            raise Conflict(f"capability {body.name} is already registered", code="capability_exists")
        await conn.execute(pg_insert(capability_states).values(
            capability=body.name, state=body.initial_state, version=0, updated_at=now))
        await append_once(conn, f"capability:{body.name}", uuid.uuid4(), "capability.registered",
                          {"checks": checks, "state": body.initial_state, "by": str(admin.id)}, now)
    return CapabilityPublic(name=body.name, description=body.description, checks=body.checks,
                            state=body.initial_state, version=0)
