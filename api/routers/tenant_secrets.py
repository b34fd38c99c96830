"""Tenant secrets: operators store them (encrypted at rest); no route ever returns a value, only names."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from api.deps import EngineDep, NowDep, OperatorOrAdminDep, StateDep
from domain.errors import NotFound
from domain.objectives.values import SECRET_PATTERN
from infra.db.tenant_secrets import secret_names, store_secret
from infra.db.tenants import get_tenant
from infra.secrets_box import box_for

router = APIRouter(prefix="/v1/tenants/{tenant_id}/secrets", tags=["tenant secrets"])
SecretName = Annotated[str, Path(pattern=SECRET_PATTERN, description="lowercase letters, digits and _ (max 64)")]


class SecretPut(BaseModel):
    """The secret's value (a webhook signing key, an API token); write-only."""

    model_config = ConfigDict(extra="forbid")

    value: SecretStr = Field(min_length=1, max_length=4096)


class SecretStored(BaseModel):
    """Which secret was stored; never its value."""

    tenant_id: UUID
    name: str
    replaced: bool


class SecretNames(BaseModel):
    """The names of the tenant's stored secrets."""

    tenant_id: UUID
    names: list[str]


@router.put("/{name}")
async def put_secret(tenant_id: UUID, name: SecretName, body: SecretPut, _: OperatorOrAdminDep, state: StateDep,
                     engine: EngineDep, now: NowDep) -> SecretStored:
    """Store or replace a tenant secret (encrypted at rest with REVOS_SECRETS_KEY)."""
    box = box_for(state.settings.secrets_key.get_secret_value() if state.settings.secrets_key else None)
    async with engine.begin() as conn:
        if await get_tenant(conn, tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        replaced = await store_secret(conn, box, tenant_id, name, body.value.get_secret_value(), now)
    return SecretStored(tenant_id=tenant_id, name=name, replaced=replaced)


@router.get("")
async def list_secrets(tenant_id: UUID, _: OperatorOrAdminDep, engine: EngineDep) -> SecretNames:
    """The names of the tenant's secrets (the values are never returned)."""
    async with engine.connect() as conn:
        if await get_tenant(conn, tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
        return SecretNames(tenant_id=tenant_id, names=sorted(await secret_names(conn, tenant_id)))
