"""`voice.tenant_settings`: hours, holidays, escalation number, notification e-mails, optional objectives.

A change is a new configuration version: the active document with the change applied
(`domain.objectives.derive_document`), started through the tenant onboarding workflow, which compiles,
smoke-tests and activates it; a rollback re-activates the version that was active before. Both go
through `TenantConfigPort`, which the onboarding feature implements (activities/voice_configs.py:
TenantOnboardingWorkflow and the configuration versions).

Health is the calls: the onboarded version's smoke calls, and the live calls' events over the window
(`call.started`, `objective.outcome`, `dialogue.ended`, `transfer.*`, `error`) against the window before.
Smoke calls (`call.started.smoke`) are onboarding's rehearsals, not live calls: their events are not counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol
from uuid import UUID

from pydantic import BaseModel, JsonValue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capabilities import VOICE_TENANT_SETTINGS_SPEC
from domain.errors import Conflict, NotFound
from domain.governance.changes import ProposedChange
from domain.governance.health import HealthMeasure
from domain.governance.scopes import ScopeState
from domain.objectives import ConfigInvalid, TenantConfig, derive_document, parse_settings_change

MIN_CALLS = 5  # fewer live calls in a window give no rates (too few to compare); REVOS_GOVERNANCE_VOICE_MIN_CALLS


class ActiveConfig(BaseModel):
    """The tenant's active configuration version."""

    version: int
    config: TenantConfig


class SmokeSummary(BaseModel):
    """A version's smoke calls: did every covering path pass."""

    passed: bool
    calls: int
    failures: list[str] = []


class OnboardingOutcome(BaseModel):
    """How onboarding a document ended: `active` (compiled, smoke-tested, activated) or why not."""

    status: Literal["active", "refused", "smoke_failed"]
    version: int | None = None
    smoke: SmokeSummary | None = None
    problems: list[str] = []


class TenantConfigPort(Protocol):
    """The onboarding feature's side: read the active version, onboard a document, re-activate a version."""

    async def active(self, conn: AsyncConnection, tenant_id: UUID) -> ActiveConfig | None: ...

    async def onboard(self, tenant_id: UUID, document: dict[str, Any], request_id: str) -> OnboardingOutcome:
        """Start TenantOnboardingWorkflow for `document` (idempotent on `request_id`) and wait for its result."""
        ...

    async def activate(self, conn: AsyncConnection, tenant_id: UUID, version: int, request_id: str) -> None:
        """Make `version` the active one again, in the caller's transaction (already active: nothing changes)."""
        ...

    async def smoke(self, conn: AsyncConnection, tenant_id: UUID, version: int) -> SmokeSummary | None: ...


def settings_values(config: TenantConfig) -> dict[str, JsonValue]:
    """The settings governed change may set, as the active configuration has them."""
    return {"hours": config.business.hours.model_dump(mode="json", exclude_none=True),
            "holidays": list(config.business.holidays), "transfer_to": config.escalation.transfer_to,
            "emails": list(config.notifications.emails), "optional_objectives": config.optional_objectives}


def settings_change_problems(change: ProposedChange) -> list[str]:
    """Why the objectives' settings model refuses this change (same codes and paths as the compiler)."""
    try:
        parse_settings_change({change.key: change.value})
    except ConfigInvalid as error:
        return [f"{change.scope}: {e.path} {e.message}" for e in error.errors]
    return []


_CALL_COUNTS = text("""
SELECT e.type, e.payload->>'kind' AS kind, count(*) AS n, count(DISTINCT e.stream) AS calls
FROM events e JOIN streams s ON s.stream = e.stream
WHERE s.tenant_id = :tenant AND e.stream LIKE 'call:%' AND e.occurred_at >= :start AND e.occurred_at <= :end
  AND e.type IN ('call.started', 'objective.outcome', 'dialogue.ended', 'transfer.requested', 'transfer.failed',
                 'error')
  AND NOT EXISTS (SELECT 1 FROM events st WHERE st.stream = e.stream AND st.type = 'call.started'
                  AND st.payload->>'smoke' = 'true')
GROUP BY e.type, e.payload->>'kind'
""")


def call_rates(counts: dict[tuple[str, str | None], tuple[int, int]], min_calls: int = MIN_CALLS
               ) -> tuple[int, dict[str, float]]:
    """(calls, bad-outcome rates) from event counts by (type, outcome kind): (events, distinct calls)."""
    def events(kind: str, sub: str | None = None) -> int:
        return sum(n for (t, k), (n, _) in counts.items() if t == kind and (sub is None or k == sub))

    def calls_with(kind: str) -> int:
        return sum(c for (t, _), (_, c) in counts.items() if t == kind)
    calls = events("call.started")
    if calls < min_calls:
        return calls, {}
    outcomes = events("objective.outcome")
    rates = {"calls_with_errors": min(1.0, calls_with("error") / calls),
             "calls_without_an_end": max(0.0, 1 - events("dialogue.ended") / calls)}
    if outcomes:
        rates["capture_failures"] = (events("objective.outcome", "failed")
                                     + events("objective.outcome", "transfer_failed")) / outcomes
    if events("transfer.requested"):
        rates["transfers_failed"] = min(1.0, events("transfer.failed") / events("transfer.requested"))
    return calls, rates


class VoiceSettingsExecutor:
    spec = VOICE_TENANT_SETTINGS_SPEC

    def __init__(self, configs: TenantConfigPort, min_calls: int = MIN_CALLS) -> None:
        self._configs = configs
        self._min_calls = min_calls

    def check(self, change: ProposedChange) -> list[str]:
        return settings_change_problems(change)

    async def _active(self, conn: AsyncConnection, target: str) -> ActiveConfig:
        active = await self._configs.active(conn, UUID(target))
        if active is None:
            raise NotFound(f"tenant {target} has no active configuration", code="no_active_config")
        return active

    async def read(self, conn: AsyncConnection, target: str) -> ScopeState:
        active = await self._active(conn, target)
        return ScopeState(values=settings_values(active.config), revision=active.version)

    async def apply(self, conn: AsyncConnection, target: str, key: str, value: JsonValue, at: datetime,
                    request_id: str) -> None:
        active = await self._active(conn, target)
        document = derive_document(active.config, parse_settings_change({key: value}))
        outcome = await self._configs.onboard(UUID(target), document, request_id)
        if outcome.status != "active":
            raise Conflict(f"the new configuration was not activated ({outcome.status}): "
                           + "; ".join(outcome.problems), code=f"onboarding_{outcome.status}")

    async def restore(self, conn: AsyncConnection, target: str, prior: ScopeState, at: datetime,
                      request_id: str) -> None:
        if not isinstance(prior.revision, int):
            raise Conflict("no prior configuration version to re-activate", code="restore_impossible")
        await self._configs.activate(conn, UUID(target), prior.revision, request_id)

    async def measure(self, conn: AsyncConnection, target: str, start: datetime, end: datetime) -> HealthMeasure:
        rows = await conn.execute(_CALL_COUNTS, {"tenant": UUID(target), "start": start, "end": end})
        calls, rates = call_rates({(r.type, r.kind): (r.n, r.calls) for r in rows}, self._min_calls)
        active = await self._active(conn, target)
        smoke = await self._configs.smoke(conn, UUID(target), active.version)
        problems = [] if smoke is None or smoke.passed else [f"version {active.version} failed its smoke calls"]
        return HealthMeasure(evidence=calls > 0 or smoke is not None, problems=problems, rates=rates,
                             figures={"version": active.version, "live_calls": calls,
                                      "smoke": smoke.model_dump(mode="json") if smoke else None})
