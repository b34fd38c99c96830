"""Onboarding: start TenantOnboardingWorkflow for a version, follow its stages, and settings changes that derive a
new version from the active one and onboard it the same way.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from activities.onboarding_start import start_onboarding
from api.deps import OperatorOrAdminDep, StateDep, TemporalDep, ensure_tenant, require
from domain.auth import Principal, Role
from domain.errors import Conflict, NotFound
from domain.objectives import ConfigInvalid, derive_document, parse_settings_change
from domain.objectives.errors import error
from domain.onboarding.messages import (
    OnboardingInput,
    OnboardingProgress,
    StageStatus,
    initial_progress,
)
from domain.onboarding.versions import MAX_VERSION, recompile
from infra.config_checks import compile_for_tenant
from infra.db import tenant_configs as repo
from workflows.tenant_onboarding import TenantOnboardingWorkflow

router = APIRouter(tags=["onboarding"])
WORKFLOW_ID = re.compile(r"onboarding-(?P<tenant>[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})-v(?P<version>[0-9]{1,9})")
SettingsDep = Annotated[Principal, Depends(require(Role.CUSTOMER, Role.OPERATOR, Role.ADMIN))]


class OnboardingRequest(BaseModel):
    """Which version of the tenant's configuration to onboard."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_VERSION)


class OnboardingStarted(BaseModel):
    """The workflow that onboards the version (follow it at GET /v1/onboarding/{workflow_id})."""

    workflow_id: str | None
    version: int
    changed: bool = True


class StagePublic(StageStatus):
    """A stage with its duration."""

    seconds: float | None = None


class OnboardingPublic(OnboardingProgress):
    """Every stage's status, timing and detail."""

    stages: list[StagePublic]  # type: ignore[assignment]


@router.post("/v1/tenants/{tenant_id}/onboarding", status_code=status.HTTP_202_ACCEPTED)
async def onboard(tenant_id: UUID, body: OnboardingRequest, principal: OperatorOrAdminDep, state: StateDep,
                  client: TemporalDep) -> OnboardingStarted:
    """Onboard a stored version: validate, compile, pin, bind numbers, smoke test, activate."""
    async with state.engine.connect() as conn:
        if await repo.get_version(conn, tenant_id, body.version) is None:
            raise NotFound(f"tenant {tenant_id} has no configuration version {body.version}",
                           code="config_not_found")
    data = OnboardingInput(tenant_id=tenant_id, version=body.version, requested_by=str(principal.id))
    return OnboardingStarted(workflow_id=await start_onboarding(client, state.settings, data), version=body.version)


@router.get("/v1/onboarding/{workflow_id}")
async def progress(workflow_id: str, request: Request, principal: SettingsDep, state: StateDep,
                   client: TemporalDep) -> OnboardingPublic:
    """Each stage's status, timing and detail (live while it runs)."""
    missing = NotFound(f"no onboarding {workflow_id[:80]}", code="onboarding_not_found")
    if not WORKFLOW_ID.fullmatch(workflow_id):
        raise missing
    handle = client.get_workflow_handle_for(TenantOnboardingWorkflow.run, workflow_id)
    try:
        described = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise missing from exc
        raise
    if described.workflow_type != "TenantOnboardingWorkflow":
        raise missing
    if described.status == WorkflowExecutionStatus.COMPLETED:
        found = await handle.result()
    elif described.status == WorkflowExecutionStatus.RUNNING:
        found = await handle.query(TenantOnboardingWorkflow.progress, rpc_timeout=timedelta(seconds=10))
    else:  # terminated, cancelled, timed out: no result to read; say so
        ended = described.status.name.lower() if described.status else "ended"
        match = WORKFLOW_ID.fullmatch(workflow_id)
        assert match is not None
        found = initial_progress(OnboardingInput(tenant_id=UUID(match["tenant"]), version=int(match["version"]),
                                                 requested_by="unknown"), workflow_id)
        found = found.model_copy(update={"status": "failed", "failure": f"the workflow was {ended}"})
    await ensure_tenant(request, state, principal, found.tenant_id)
    return OnboardingPublic.model_validate({**found.model_dump(), "stages": [
        {**s.model_dump(), "seconds": s.duration()} for s in found.stages]})


@router.patch("/v1/tenants/{tenant_id}/settings", status_code=status.HTTP_202_ACCEPTED)
async def change_settings(tenant_id: UUID, request: Request, principal: SettingsDep, state: StateDep,
                          client: TemporalDep, response: Response,
                          body: Annotated[dict[str, Any], Body(examples=[{"holidays": ["2026-12-25"]}])]
                          ) -> OnboardingStarted:
    """Hours, holidays, escalation number, notification e-mails: a new version from the active one, onboarded."""
    await ensure_tenant(request, state, principal, tenant_id)
    if "optional_objectives" in body:  # governed change's switch, not a tenant setting
        raise ConfigInvalid([error(["optional_objectives"], "unknown_key", "not a setting a tenant may change")])
    change = parse_settings_change(body)
    async with state.engine.begin() as conn:
        active = await repo.active_stored(conn, tenant_id)
        if active is None:
            raise Conflict("the tenant has no active configuration to change; onboard one first",
                           code="no_active_config")
        document = derive_document(recompile(active.canonical, active.hash).config, change)
        compiled = await compile_for_tenant(conn, tenant_id, document,
                                            allow_private_hosts=state.settings.webhook_allow_private_hosts)
        if compiled.hash == active.hash:
            response.status_code = status.HTTP_200_OK
            return OnboardingStarted(workflow_id=None, version=active.version, changed=False)
        stored, _ = await repo.create_version(conn, tenant_id, compiled, document, source_format="settings",
                                              created_by=str(principal.id), now=state.clock(),
                                              derived_from=active.version)
    data = OnboardingInput(tenant_id=tenant_id, version=stored.version, requested_by=str(principal.id),
                           reason="settings")
    return OnboardingStarted(workflow_id=await start_onboarding(client, state.settings, data), version=stored.version)

