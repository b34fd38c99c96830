"""Steps 8-9: PlatformHealthService (the health authority) and the Governance Auditor.

Health signals are computed from the capability state and the registry's checks alone, and are
append-only; the auditor reads them with the job's records and appends its verdict.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from domain.governance.audit import AuditEvidence, AuditResult, audit
from domain.governance.changes import ProposedChanges
from domain.governance.commands import JobRef, RecordResolution
from domain.governance.health import CapabilityCheck, HealthSignal, evaluate_capability
from infra.db.governance_repo import append_once, contract_state, contract_stream, get_contract
from infra.db.tables_governance import (
    audit_verdicts,
    capabilities,
    capability_states,
    governance_job_steps,
    governance_jobs,
    health_signals,
)


class PlatformHealthService:
    """Evaluates capabilities after a job and records the signals. Nothing may override them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def evaluate(self, conn: AsyncConnection, capability: str) -> HealthSignal:
        checks_row = (await conn.execute(select(capabilities.c.checks).where(capabilities.c.name == capability))
                      ).scalar_one_or_none()
        state = (await conn.execute(select(capability_states.c.state).where(
            capability_states.c.capability == capability))).scalar_one_or_none()
        checks = [CapabilityCheck.model_validate(c) for c in (checks_row or [])]
        return evaluate_capability(capability, checks, dict(state) if state is not None else None)

    @activity.defn(name="evaluate_health")
    async def evaluate_health(self, ref: JobRef) -> list[HealthSignal]:
        async with self._engine.begin() as conn:
            contract = await get_contract(conn, ref.contract_id)
            assert contract is not None
            signals = [await self.evaluate(conn, c) for c in contract["affected_capabilities"]]
            for signal in signals:
                # Append-only, and one signal per (job, capability): a retry cannot overwrite a verdict.
                await conn.execute(pg_insert(health_signals).values(
                    contract_id=ref.contract_id, job_id=ref.job_id, capability=signal.capability,
                    status=signal.status, violations=signal.violations, checks_evaluated=signal.checks_evaluated,
                    evaluated_at=ref.at).on_conflict_do_nothing(constraint="uq_health_job_capability"))
            await append_once(conn, contract_stream(ref.contract_id), _derived(ref, 1), "health.evaluated",
                              {"job_id": str(ref.job_id), "signals": [s.model_dump() for s in signals]}, ref.at)
            return signals


def _derived(ref: JobRef, n: int) -> Any:
    from uuid import UUID

    return UUID(int=(ref.job_id.int + 20_000 + n) % (1 << 128))


class AuditActivities:
    """The Governance Auditor: verdicts are append-only (the database refuses changes)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def evidence(self, conn: AsyncConnection, ref: JobRef) -> AuditEvidence:
        contract_row = await get_contract(conn, ref.contract_id)
        assert contract_row is not None
        contract = contract_state(contract_row)
        assert contract.activation_window is not None
        job = (await conn.execute(select(governance_jobs).where(governance_jobs.c.id == ref.job_id))).mappings().one()
        applied = (await conn.execute(select(governance_job_steps.c.applied_at).where(
            governance_job_steps.c.job_id == ref.job_id, governance_job_steps.c.applied_at.is_not(None)))).scalars()
        signals = (await conn.execute(select(health_signals).where(health_signals.c.job_id == ref.job_id))).mappings()
        return AuditEvidence(
            proposed_changes=list(ProposedChanges.model_validate(contract.proposed_changes).changes),
            before=job["before_snapshot"], after=job["after_snapshot"], job_status=job["status"],
            applied_at=list(applied), window=contract.activation_window,
            health=[HealthSignal.model_validate(dict(s)) for s in signals])

    @activity.defn(name="record_audit")
    async def record_audit(self, ref: JobRef) -> AuditResult:
        assert ref.audit_id is not None
        async with self._engine.begin() as conn:
            existing = (await conn.execute(select(audit_verdicts).where(audit_verdicts.c.id == ref.audit_id))
                        ).mappings().first()
            if existing is not None:
                return AuditResult(verdict=existing["verdict"], reasons=existing["reasons"])
            result = audit(await self.evidence(conn, ref))
            await conn.execute(pg_insert(audit_verdicts).values(
                id=ref.audit_id, contract_id=ref.contract_id, job_id=ref.job_id, verdict=result.verdict,
                reasons=result.reasons, decided_by="auditor", created_at=ref.at))
            await append_once(conn, contract_stream(ref.contract_id), ref.audit_id, "audit.verdict",
                              {"job_id": str(ref.job_id), **result.model_dump()}, ref.at)
            return result

    @activity.defn(name="record_resolution")
    async def record_resolution(self, cmd: RecordResolution) -> None:
        """A founder's resolution of an INCONCLUSIVE audit: a new verdict row, never an edit."""
        async with self._engine.begin() as conn:
            written = await append_once(conn, contract_stream(cmd.contract_id), cmd.audit_id, "audit.resolved",
                                        {"resolution": cmd.resolution, "by": str(cmd.founder_id),
                                         "note": cmd.note}, cmd.at)
            if written:
                await conn.execute(pg_insert(audit_verdicts).values(
                    id=cmd.audit_id, contract_id=cmd.contract_id, job_id=cmd.job_id, verdict="INCONCLUSIVE",
                    reasons=[f"founder resolved: {cmd.resolution}"] + ([cmd.note] if cmd.note else []),
                    resolution=cmd.resolution, decided_by=f"founder:{cmd.founder_id}", created_at=cmd.at))
