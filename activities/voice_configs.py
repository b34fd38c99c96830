"""The onboarding feature's side of governed change's `voice.tenant_settings` executor (its `TenantConfigPort`).

A change is a new configuration version, derived from the active one and onboarded by the real
TenantOnboardingWorkflow (compiled with the tenant's world, smoke-tested through the voice worker, activated);
the executor waits for it to end active or refused. The version is stored in its own transaction first (the
onboarding workflow activates it from its own activities, which must not wait on the caller's transaction), and
the run is started through the Temporal client with the job step's request id in its memo, so a retried step
waits for the run it started instead of starting another. A rollback re-activates the prior version in the
caller's transaction (the history row says `rollback`, by the governance job).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from activities.executor_voice import ActiveConfig, OnboardingOutcome, SmokeSummary, VoiceSettingsExecutor
from activities.heartbeat import heartbeating
from activities.onboarding_start import REQUEST_ID, start_onboarding
from domain.objectives import ConfigInvalid
from domain.onboarding.messages import OnboardingInput, OnboardingProgress, Stage, onboarding_workflow_id
from domain.onboarding.versions import recompile
from infra.config_checks import compile_for_tenant
from infra.db import tenant_configs
from infra.db.tables_objectives import tenant_config_smoke_results
from infra.settings import Settings
from workflows.tenant_onboarding import TenantOnboardingWorkflow

ClientSource = Callable[[], Awaitable[Client]]


def smoke_summary(passed: bool, detail: dict[str, Any]) -> SmokeSummary:
    """The smoke stage's detail (domain.onboarding.stages.smoke_detail) as governance reads it."""
    failures = [f"path {f.get('path')} ({'open' if f.get('business_open') else 'closed'}): "
                + "; ".join(f.get("problems") or []) for f in detail.get("failures") or []]
    return SmokeSummary(passed=passed, calls=int(detail.get("done") or len(detail.get("calls") or [])),
                        failures=failures)


def onboarding_outcome(progress: OnboardingProgress) -> OnboardingOutcome:
    """How the onboarding run ended: active, its smoke calls failed, or another stage refused the version."""
    smoke = progress.stage(Stage.SMOKE)
    summary = smoke_summary(smoke.status == "passed", smoke.detail) if smoke.status in ("passed", "failed") else None
    if progress.status == "active":
        return OnboardingOutcome(status="active", version=progress.version, smoke=summary)
    problems = [progress.failure or f"onboarding ended {progress.status}"]
    status = "smoke_failed" if smoke.status == "failed" else "refused"
    return OnboardingOutcome(status=status, version=progress.version, smoke=summary, problems=problems)


class OnboardingConfigs:
    """`TenantConfigPort` over the configuration versions and TenantOnboardingWorkflow."""

    def __init__(self, engine: AsyncEngine, settings: Settings, client: ClientSource) -> None:
        self._engine = engine
        self._settings = settings
        self._client = client

    async def active(self, conn: AsyncConnection, tenant_id: UUID) -> ActiveConfig | None:
        stored = await tenant_configs.active_stored(conn, tenant_id)
        if stored is None:
            return None
        return ActiveConfig(version=stored.version, config=recompile(stored.canonical, stored.hash).config)

    async def onboard(self, tenant_id: UUID, document: dict[str, Any], request_id: str) -> OnboardingOutcome:
        try:
            version, changed = await self._store(tenant_id, document, request_id)
        except ConfigInvalid as refused:
            return OnboardingOutcome(status="refused", problems=[f"{e.path} {e.code}: {e.message}"
                                                                 for e in refused.errors])
        if not changed:  # the active version has this content already: nothing to onboard
            return OnboardingOutcome(status="active", version=version)
        handle = await self._run(OnboardingInput(tenant_id=tenant_id, version=version, reason="settings",
                                                 requested_by=f"governance:{request_id}"), request_id)
        try:
            return onboarding_outcome(await self._wait(handle))
        except WorkflowFailureError as exc:  # terminated or cancelled: it never activated the version
            return OnboardingOutcome(status="refused", version=version,
                                     problems=[f"the onboarding run ended without a result: {exc.cause or exc}"])

    async def _store(self, tenant_id: UUID, document: dict[str, Any], request_id: str) -> tuple[int, bool]:
        """The derived document as a version (the same content is the same version); (version, differs)."""
        async with self._engine.begin() as conn:
            active = await tenant_configs.active_stored(conn, tenant_id)
            compiled = await compile_for_tenant(conn, tenant_id, document,
                                                allow_private_hosts=self._settings.webhook_allow_private_hosts)
            if active is not None and compiled.hash == active.hash:
                return active.version, False
            stored, _ = await tenant_configs.create_version(
                conn, tenant_id, compiled, document, source_format="settings", created_by=f"governance:{request_id}",
                now=datetime.now(UTC), derived_from=active.version if active else None)
        return stored.version, True

    async def _run(self, data: OnboardingInput, request_id: str) -> WorkflowHandle[Any, OnboardingProgress]:
        """This request's run of the version's onboarding: the one it started before, or a new one."""
        client = await self._client()
        workflow_id = onboarding_workflow_id(data.tenant_id, data.version)
        handle = client.get_workflow_handle_for(TenantOnboardingWorkflow.run, workflow_id)
        try:
            described = await handle.describe()
            if (await described.memo()).get(REQUEST_ID) == request_id:
                return client.get_workflow_handle_for(TenantOnboardingWorkflow.run, workflow_id,
                                                      run_id=described.run_id)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        await start_onboarding(client, self._settings, data, request_id)
        return handle

    async def _wait(self, handle: WorkflowHandle[Any, OnboardingProgress]) -> OnboardingProgress:
        """The run's result; a step waiting here heartbeats, so a lost worker is noticed and the step retried."""
        return OnboardingProgress.model_validate(await heartbeating(handle.result()))

    async def activate(self, conn: AsyncConnection, tenant_id: UUID, version: int, request_id: str) -> None:
        if await tenant_configs.active_version(conn, tenant_id) == version:
            return
        await tenant_configs.activate(conn, tenant_id, version, reason="rollback",
                                      activated_by=f"governance:{request_id}", now=datetime.now(UTC))

    async def smoke(self, conn: AsyncConnection, tenant_id: UUID, version: int) -> SmokeSummary | None:
        S = tenant_config_smoke_results
        row = (await conn.execute(select(S.c.passed, S.c.detail).where(S.c.tenant_id == tenant_id,
                                                                       S.c.version == version)
                                  .order_by(S.c.recorded_at.desc()).limit(1))).first()
        return smoke_summary(bool(row.passed), dict(row.detail or {})) if row is not None else None


def voice_settings_executor(engine: AsyncEngine, settings: Settings, client: ClientSource) -> VoiceSettingsExecutor:
    """The deployment's `voice.tenant_settings` executor (the worker passes its client; the API its provider)."""
    return VoiceSettingsExecutor(OnboardingConfigs(engine, settings, client), settings.governance_voice_min_calls)
