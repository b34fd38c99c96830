"""Onboarding's activities: each stage's one step of I/O (TenantOnboardingWorkflow decides the order).

validate: the stored version against today's world (numbers bound elsewhere, webhook hosts); compile: its
graph and the smoke tests' covering paths; pin: the version the deployment references, as a fact; bind: the
numbers in the routing table (and at Twilio); smoke_call: one scripted call (activities/smoke_calls.py);
record_smoke: the verdict; activate: the switch. Each is safe to retry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.heartbeat import heartbeating
from activities.phone_numbers import NumberProvider
from activities.smoke_calls import SmokeDialer
from domain.errors import Conflict, NotFound
from domain.events import NewEvent, stream_name
from domain.objectives import covering_paths, webhook_hosts
from domain.onboarding.messages import (
    Activate,
    Activated,
    BindNumbers,
    Compiled,
    NumberBound,
    NumbersBound,
    SmokeCall,
    SmokeCallResult,
    SmokeVerdict,
    Validated,
    VersionRef,
)
from domain.onboarding.versions import StoredVersion, VersionCorrupt, recompile
from infra.config_checks import compile_for_tenant
from infra.db import event_store, tenant_configs
from infra.db.tables_objectives import tenant_config_smoke_results
from infra.db.violations import refusing
from infra.db.voice_numbers import bind_number, owner_of
from infra.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


async def _stored(conn: AsyncConnection, ref: VersionRef) -> StoredVersion:
    stored = await tenant_configs.get_version(conn, ref.tenant_id, ref.version)
    if stored is None:
        raise NotFound(f"tenant {ref.tenant_id} has no configuration version {ref.version}", code="config_not_found")
    return stored


class OnboardingActivities:
    def __init__(self, engine: AsyncEngine, settings: Settings, numbers: NumberProvider, dialer: SmokeDialer) -> None:
        self._engine = engine
        self._settings = settings
        self._numbers = numbers
        self._dialer = dialer

    @activity.defn(name="onboarding_validate")
    async def validate(self, ref: VersionRef) -> Validated:
        """The version compiles today with the same hash: its numbers are free and its webhook hosts public."""
        async with self._engine.connect() as conn:
            stored = await _stored(conn, ref)
            compiled = await compile_for_tenant(conn, ref.tenant_id, stored.canonical,
                                                allow_private_hosts=self._settings.webhook_allow_private_hosts)
        if compiled.hash != stored.hash:  # the stored row is no longer the version it claims to be
            raise VersionCorrupt(f"version {ref.version} now hashes to {compiled.hash[:12]}, not {stored.hash[:12]}")
        config = compiled.config
        return Validated(hash=stored.hash, numbers=list(config.numbers), transfer_to=config.escalation.transfer_to,
                         webhook_hosts=sorted(webhook_hosts(stored.canonical)))

    @activity.defn(name="onboarding_compile")
    async def compile(self, ref: VersionRef) -> Compiled:
        """The graph and its covering paths (one smoke call each)."""
        async with self._engine.connect() as conn:
            stored = await _stored(conn, ref)
        graph = recompile(stored.canonical, stored.hash).graph
        coverage = covering_paths(graph)
        s = self._settings
        return Compiled(hash=stored.hash, objectives=len(graph.nodes), paths=list(coverage.paths),
                        uncovered_objectives=list(coverage.uncovered_objectives),
                        uncovered_edges=list(coverage.uncovered_edges), concurrency=s.onboarding_smoke_concurrency,
                        call_timeout_seconds=s.onboarding_smoke_call_seconds)

    @activity.defn(name="onboarding_pin")
    async def pin(self, ref: VersionRef) -> str:
        """Record that this deployment references the version (once per workflow, however often retried)."""
        stream = stream_name("tenant", ref.tenant_id)
        async with self._engine.begin() as conn:
            stored = await _stored(conn, ref)
            for event in await event_store.read_stream(conn, stream):
                if event.type == "config.version_pinned" and event.payload.get("workflow_id") == ref.workflow_id:
                    return stored.hash
            await event_store.append(conn, stream, [NewEvent(type="config.version_pinned", occurred_at=_now(),
                                                             payload={"version": ref.version, "hash": stored.hash,
                                                                      "workflow_id": ref.workflow_id})],
                                     tenant_id=ref.tenant_id)
        return stored.hash

    @activity.defn(name="onboarding_bind_numbers")
    async def bind_numbers(self, request: BindNumbers) -> NumbersBound:
        """Each number routes to the tenant (refused if another tenant has it) and reaches our webhook."""
        bound: list[NumberBound] = []
        for number in request.numbers:
            routing = await self._bind(request, number)
            pointed = await self._numbers.point(number)
            bound.append(NumberBound(number=number, routing=routing, provider=pointed.provider,
                                     voice_url=pointed.voice_url, provider_sid=pointed.sid))
        return NumbersBound(numbers=bound)

    async def _bind(self, request: BindNumbers, number: str) -> str:
        taken = Conflict(f"{number} already routes to another tenant", code="phone_number_taken")
        async with self._engine.begin() as conn:
            owner = await owner_of(conn, number)
            if owner == request.tenant_id:
                return "already_bound"
            if owner is not None:
                raise taken
            with refusing({"pk_tenant_phone_numbers": taken}):
                await bind_number(conn, request.tenant_id, number, _now(), request.transfer_to)
        return "bound"

    @activity.defn(name="onboarding_smoke_call")
    async def smoke_call(self, call: SmokeCall) -> SmokeCallResult:
        """One scripted call on the version under test."""
        async with self._engine.connect() as conn:
            stored = await _stored(conn, VersionRef(tenant_id=call.tenant_id, version=call.version, workflow_id=""))
        graph = recompile(stored.canonical, stored.hash).graph
        seconds = self._settings.onboarding_smoke_call_seconds
        return await heartbeating(self._dialer.run(call, graph, max_seconds=seconds))

    @activity.defn(name="onboarding_record_smoke")
    async def record_smoke(self, verdict: SmokeVerdict) -> None:
        """Append the smoke stage's verdict (once per workflow)."""
        ref, S = verdict.ref, tenant_config_smoke_results
        async with self._engine.begin() as conn:
            seen = await conn.execute(S.select().where(S.c.tenant_id == ref.tenant_id, S.c.version == ref.version,
                                                       S.c.workflow_id == ref.workflow_id))
            if seen.first() is None:
                await tenant_configs.record_smoke(conn, ref.tenant_id, ref.version, passed=verdict.passed,
                                                  workflow_id=ref.workflow_id, detail=verdict.detail, now=_now())

    @activity.defn(name="onboarding_activate")
    async def activate(self, request: Activate) -> Activated:
        """Switch the tenant to the version (already active: nothing changes)."""
        ref = request.ref
        async with self._engine.begin() as conn:
            current = await tenant_configs.active_version(conn, ref.tenant_id)
            if current == ref.version:
                return Activated(version=ref.version, previous_version=None)
            previous = await tenant_configs.activate(conn, ref.tenant_id, ref.version, reason="onboarding",
                                                     activated_by=request.requested_by, now=_now(),
                                                     workflow_id=ref.workflow_id)
        return Activated(version=ref.version, previous_version=previous)
