"""The capability registry (admin): which capabilities governed change may act on, each owned by a domain.

A capability is registered only if this deployment runs an executor for it (its owner domain's commands
change it; its runtime health is measured), so nothing is governed that nothing executes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from activities.governance_executors import Executors, deployment_executors
from activities.voice_configs import voice_settings_executor
from api.deps import AdminDep, EngineDep, NowDep, StateDep, require
from domain.auth import Principal, Role
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.scopes import ScopeState
from domain.text import SafeText
from infra.db.governance_repo import append_once
from infra.db.tables_governance import capabilities

router = APIRouter(prefix="/v1/capabilities", tags=["governance"])
ReaderDep = Annotated[Principal, Depends(require(Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE))]


class CapabilityCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.-]*$",
                      description="a capability this deployment executes, e.g. kernel.policy")
    description: SafeText = ""


class CapabilityPublic(BaseModel):
    name: str
    description: str
    owner: str | None
    target: str | None
    keys: list[str]
    created_at: datetime


class CapabilitiesPublic(BaseModel):
    items: list[CapabilityPublic]
    count: int


def _public(row: Any, state: StateDep) -> CapabilityPublic:
    spec = next((s for s in _specs(state) if s.name == row["name"]), None)
    return CapabilityPublic(name=row["name"], description=row["description"], owner=row["owner"],
                            target=spec.target if spec else None, keys=list(spec.keys) if spec else [],
                            created_at=row["created_at"])


def _executors(state: StateDep) -> Executors:
    """What this deployment executes (the governance worker wires the same executors)."""
    voice = voice_settings_executor(state.engine, state.settings, state.temporal.get)
    return deployment_executors(state.settings.kernel_analysis_window_days, voice=voice)


def _specs(state: StateDep) -> list[Any]:
    return _executors(state).specs()


@router.get("")
async def list_capabilities(_: ReaderDep, state: StateDep) -> CapabilitiesPublic:
    """Every registered capability, with its owner domain, what it targets and the keys a change may set."""
    async with state.engine.connect() as conn:
        rows = (await conn.execute(select(capabilities).order_by(capabilities.c.name))).mappings().all()
    items = [_public(r, state) for r in rows]
    return CapabilitiesPublic(items=items, count=len(items))


@router.post("", status_code=status.HTTP_201_CREATED)
async def register(body: CapabilityCreate, admin: AdminDep, state: StateDep, now: NowDep) -> CapabilityPublic:
    """Register a capability (admin); 422 `capability_without_executor` unless this deployment executes it."""
    spec = next((s for s in _specs(state) if s.name == body.name), None)
    if spec is None:
        wired = ", ".join(s.name for s in _specs(state))
        raise InvalidInput(f"no executor runs {body.name} on this deployment (executed here: {wired})",
                           code="capability_without_executor")
    description = body.description or spec.description
    async with state.engine.begin() as conn:
        inserted = await conn.execute(pg_insert(capabilities).values(
            name=body.name, description=description, checks=[], owner=spec.owner, created_by=admin.id,
            created_at=now).on_conflict_do_nothing().returning(*capabilities.c))
        row = inserted.mappings().first()
        if row is None:
            raise Conflict(f"capability {body.name} is already registered", code="capability_exists")
        await append_once(conn, f"capability:{body.name}", uuid.uuid4(), "capability.registered",
                          {"owner": spec.owner, "by": str(admin.id)}, now)
    return _public(row, state)


@router.get("/{name}/state")
async def read_state(name: str, _: ReaderDep, state: StateDep, engine: EngineDep,
                     target: Annotated[str, Query(min_length=1, max_length=100)]) -> ScopeState:
    """The current state of one instance (a tenant, a campaign), read through its executor."""
    executors = _executors(state)
    if name not in {s.name for s in executors.specs()}:
        raise NotFound(f"no executor runs {name} on this deployment", code="capability_without_executor")
    try:
        uuid.UUID(target)
    except ValueError:
        raise InvalidInput(f"target {target!r} is not an id", code="invalid_target") from None
    async with engine.connect() as conn:
        return await executors.job_port().read_scope(conn, name, target)
