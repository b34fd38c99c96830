"""Tenant configuration versions: upload (JSON or YAML), list, read, and switch the active one.

A version is immutable; uploading the same content again (same hash) answers the existing version with 200
instead of making a new one. Activation here is instant and takes only versions that passed their smoke
tests; onboarding (api/routers/onboarding.py) is how a new version gets there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from pydantic import BaseModel

from api.deps import EngineDep, NowDep, OperatorOrAdminDep, StateDep, ensure_tenant, require
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.objectives import ObjectiveGraph, parse_document
from domain.objectives.parse import Format
from domain.onboarding.versions import MAX_VERSION, StoredVersion, recompile
from infra.config_checks import compile_for_tenant
from infra.db import tenant_configs as repo
from infra.db.tenants import get_tenant

router = APIRouter(prefix="/v1/tenants/{tenant_id}/configs", tags=["tenant configuration"])

ReaderDep = Annotated[Principal, Depends(require(Role.OPERATOR, Role.ADMIN, Role.CUSTOMER))]
YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "description": "the tenant configuration (revos config schema)"}},
    "application/yaml": {"schema": {"type": "string"}}}}}
VersionPath = Annotated[int, Path(ge=1, le=MAX_VERSION, description="a configuration version number")]


class ConfigVersionSummary(BaseModel):
    """One version: its number, content hash, provenance, and whether it is active or passed its smoke tests."""

    version: int
    hash: str
    source_format: str
    derived_from: int | None
    created_at: datetime
    created_by: str
    active: bool
    smoke_passed: bool


class ConfigVersionPublic(ConfigVersionSummary):
    """A version with its compiled graph and the document as written."""

    graph: ObjectiveGraph
    document: dict[str, Any]


class ConfigVersionsPublic(BaseModel):
    """Every version of a tenant, oldest first; `active_version` is what new calls run (null: the default graph)."""

    tenant_id: UUID
    active_version: int | None
    versions: list[ConfigVersionSummary]


class ActivationPublic(BaseModel):
    """The switch: what new calls run from now on, and what they ran before."""

    tenant_id: UUID
    version: int
    previous_version: int | None
    changed: bool


def body_format(request: Request) -> Format:
    """JSON or YAML from the content type (415 otherwise)."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media in YAML_TYPES:
        return "yaml"
    if media == "application/json":
        return "json"
    raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                        f"send the configuration as application/json or application/yaml, not {media}")


async def _tenant_or_404(conn: Any, tenant_id: UUID) -> None:
    if await get_tenant(conn, tenant_id) is None:
        raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")


def summary(v: StoredVersion, active: int | None, passed: set[int]) -> ConfigVersionSummary:
    return ConfigVersionSummary(version=v.version, hash=v.hash, source_format=v.source_format,
                                derived_from=v.derived_from, created_at=v.created_at, created_by=v.created_by,
                                active=v.version == active, smoke_passed=v.version in passed)


@router.post("", status_code=status.HTTP_201_CREATED, openapi_extra=BODY,
             responses={200: {"description": "the same content is already this version"},
                        422: {"description": "config_invalid, with every error's path, code and message"}})
async def upload(tenant_id: UUID, request: Request, principal: OperatorOrAdminDep, state: StateDep, now: NowDep,
                 response: Response) -> ConfigVersionPublic:
    """Compile and store a configuration as the tenant's next version (201), or the existing one (200)."""
    document = parse_document(await request.body(), body_format(request))
    async with state.engine.begin() as conn:
        await _tenant_or_404(conn, tenant_id)
        compiled = await compile_for_tenant(conn, tenant_id, document,
                                            allow_private_hosts=state.settings.webhook_allow_private_hosts)
        stored, created = await repo.create_version(conn, tenant_id, compiled, document,
                                                    source_format=body_format(request),
                                                    created_by=str(principal.id), now=now)
        active = await repo.active_version(conn, tenant_id)
        passed = await repo.smoke_passed_versions(conn, tenant_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ConfigVersionPublic(**summary(stored, active, passed).model_dump(), graph=compiled.graph,
                               document=stored.document)


@router.get("")
async def list_configs(tenant_id: UUID, request: Request, principal: ReaderDep, state: StateDep
                       ) -> ConfigVersionsPublic:
    """The tenant's versions, the active one marked."""
    await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        await _tenant_or_404(conn, tenant_id)
        versions = await repo.list_versions(conn, tenant_id)
        active = await repo.active_version(conn, tenant_id)
        passed = await repo.smoke_passed_versions(conn, tenant_id)
    return ConfigVersionsPublic(tenant_id=tenant_id, active_version=active,
                                versions=[summary(v, active, passed) for v in versions])


@router.get("/{version}")
async def read_config(tenant_id: UUID, version: VersionPath, request: Request, principal: ReaderDep, state: StateDep
                      ) -> ConfigVersionPublic:
    """One version with its compiled graph."""
    await ensure_tenant(request, state, principal, tenant_id)
    async with state.engine.connect() as conn:
        stored = await repo.get_version(conn, tenant_id, version)
        if stored is None:
            raise NotFound(f"tenant {tenant_id} has no configuration version {version}", code="config_not_found")
        active = await repo.active_version(conn, tenant_id)
        passed = await repo.smoke_passed_versions(conn, tenant_id)
    graph = recompile(stored.canonical, stored.hash).graph
    return ConfigVersionPublic(**summary(stored, active, passed).model_dump(), graph=graph, document=stored.document)


@router.post("/{version}/activate")
async def activate(tenant_id: UUID, version: VersionPath, principal: OperatorOrAdminDep, engine: EngineDep, now: NowDep
                   ) -> ActivationPublic:
    """Roll back or forward at once to a version that passed its smoke tests (409 config_not_smoke_tested if not)."""
    async with engine.begin() as conn:
        if await repo.get_version(conn, tenant_id, version) is None:
            raise NotFound(f"tenant {tenant_id} has no configuration version {version}", code="config_not_found")
        current = await repo.active_version(conn, tenant_id)
        if current == version:
            return ActivationPublic(tenant_id=tenant_id, version=version, previous_version=current, changed=False)
        reason = "rollback" if current is not None and version < current else "roll_forward"
        previous = await repo.activate(conn, tenant_id, version, reason=reason, activated_by=str(principal.id),
                                       now=now)
    return ActivationPublic(tenant_id=tenant_id, version=version, previous_version=previous, changed=True)
