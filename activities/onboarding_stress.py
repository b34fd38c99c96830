"""The onboarding workflow's stress gate (issue 13): its plan, one persona call, and its verdict.

stress_plan: the personas the settings name, on the version's graph, in the business states each runs in;
stress_call: one persona call through the real voice worker (activities/stress_calls.py), placed with a smoke grant
(so it delivers nothing and costs the platform, as a smoke call does); record_stress: the verdict, as a fact on the
tenant's stream, once per workflow. Each is safe to retry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.heartbeat import heartbeating
from activities.stress_calls import StressDialer
from domain.errors import InvalidInput, NotFound
from domain.events import NewEvent, stream_name
from domain.objectives import ObjectiveGraph
from domain.onboarding.messages import VersionRef
from domain.onboarding.versions import recompile
from domain.stress import CallVerdict
from domain.stress.messages import StressCall, StressPlanned, StressVerdict, parse_personas, persona_calls
from infra.db import event_store, tenant_configs
from infra.settings import Settings

CALL_SECONDS_OVER_SMOKE = 30.0  # the confused and hostile callers take longer than a smoke path


class OnboardingStressActivities:
    def __init__(self, engine: AsyncEngine, settings: Settings, dialer: StressDialer) -> None:
        self._engine = engine
        self._settings = settings
        self._dialer = dialer

    async def _graph(self, ref: VersionRef) -> ObjectiveGraph:
        async with self._engine.connect() as conn:
            stored = await tenant_configs.get_version(conn, ref.tenant_id, ref.version)
        if stored is None:
            raise NotFound(f"tenant {ref.tenant_id} has no configuration version {ref.version}",
                           code="config_not_found")
        return recompile(stored.canonical, stored.hash).graph

    def call_seconds(self) -> float:
        """How long one persona call may run before the caller hangs up."""
        return self._settings.onboarding_smoke_call_seconds + CALL_SECONDS_OVER_SMOKE

    @activity.defn(name="onboarding_stress_plan")
    async def stress_plan(self, ref: VersionRef) -> StressPlanned:
        """The persona calls for this version (the settings' personas, calls and seed)."""
        s = self._settings
        try:
            personas = parse_personas(s.onboarding_stress_personas)
        except ValueError as error:
            raise InvalidInput(f"REVOS_ONBOARDING_STRESS_PERSONAS: {error}", code="stress_personas_unknown") from error
        graph = await self._graph(ref)
        return StressPlanned(calls=persona_calls(graph, personas, s.onboarding_stress_calls, s.onboarding_stress_seed),
                             concurrency=s.onboarding_stress_concurrency, call_timeout_seconds=self.call_seconds())

    @activity.defn(name="onboarding_stress_call")
    async def stress_call(self, call: StressCall) -> CallVerdict:
        """One persona's call on the version under test, judged against its expectations."""
        graph = await self._graph(VersionRef(tenant_id=call.tenant_id, version=call.version, workflow_id=""))
        return await heartbeating(self._dialer.run(call, graph, max_seconds=self.call_seconds()))

    @activity.defn(name="onboarding_record_stress")
    async def record_stress(self, verdict: StressVerdict) -> None:
        """`config.stress_tested` on the tenant's stream: the version, passed, each persona's figures and the
        failed calls' persona, problems and stream (once per workflow)."""
        stream = stream_name("tenant", verdict.tenant_id)
        failures = [{k: f[k] for k in ("persona", "business_open", "seed", "problems", "stream")}
                    for f in verdict.detail.get("failures", [])]
        payload = {"version": verdict.version, "passed": verdict.passed, "workflow_id": verdict.workflow_id,
                   "calls": verdict.detail.get("calls"), "personas": verdict.detail.get("personas", []),
                   "failures": failures}
        async with self._engine.begin() as conn:
            for event in await event_store.read_stream(conn, stream):
                if event.type == "config.stress_tested" and event.payload.get("workflow_id") == verdict.workflow_id:
                    return
            await event_store.append(conn, stream, [NewEvent(type="config.stress_tested", payload=payload,
                                                             occurred_at=datetime.now(UTC))],
                                     tenant_id=verdict.tenant_id)
