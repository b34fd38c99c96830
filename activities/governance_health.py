"""Platform health (PlatformHealthService, the health authority) and the governance auditor.

Health measures each capability instance of the contract at runtime through its executor's probe: once
over the window before the change (the baseline, recorded before the job starts) and once over the
observation window after it; the pure `judge` compares the two. Baselines and signals are append-only.
The auditor reads the signals with the job's records and appends its verdict.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.governance_executors import Executors
from domain.errors import DomainError, NotFound
from domain.governance.audit import AuditEvidence, AuditResult, audit
from domain.governance.changes import ProposedChanges, split_scope
from domain.governance.health import HealthMeasure, HealthSignal, judge
from domain.governance.messages import BaselineRef, JobRef, RecordResolution
from infra.db.governance_repo import append_once, contract_state, contract_stream, get_contract
from infra.db.tables_governance import (
    audit_verdicts,
    governance_job_steps,
    governance_jobs,
    health_baselines,
    health_signals,
)


async def _scopes(conn: AsyncConnection, contract_id: UUID) -> list[str]:
    contract = await get_contract(conn, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} does not exist", code="contract_not_found")
    return ProposedChanges.model_validate(contract["proposed_changes"]).scopes()


class PlatformHealthService:
    """Measures capabilities through the executors' probes and records the signals. Nothing may override them."""

    def __init__(self, engine: AsyncEngine, executors: Executors) -> None:
        self._engine = engine
        self._executors = executors

    async def _measure(self, conn: AsyncConnection, scope: str, start: datetime, end: datetime) -> HealthMeasure:
        capability, target = split_scope(scope)
        try:
            async with conn.begin_nested():
                return await self._executors.probe(capability).measure(conn, str(target), start, end)
        except DomainError as error:  # e.g. the instance is gone: that is what health reports
            return HealthMeasure(evidence=False, problems=[f"cannot be measured: {error.message}"])

    @activity.defn(name="measure_baseline")
    async def measure_baseline(self, ref: BaselineRef) -> None:
        """The window before the change, per scope (once: a retry keeps the first baseline)."""
        start = ref.at - timedelta(seconds=ref.window_seconds)
        async with self._engine.begin() as conn:
            for scope in await _scopes(conn, ref.contract_id):
                measure = await self._measure(conn, scope, start, ref.at)
                capability, target = split_scope(scope)
                await conn.execute(pg_insert(health_baselines).values(
                    contract_id=ref.contract_id, scope=scope, capability=capability, target=target,
                    window_start=start, window_end=ref.at, measure=measure.model_dump(mode="json"),
                ).on_conflict_do_nothing())

    async def _baseline(self, conn: AsyncConnection, contract_id: UUID, scope: str) -> HealthMeasure | None:
        value = (await conn.execute(select(health_baselines.c.measure).where(
            health_baselines.c.contract_id == contract_id, health_baselines.c.scope == scope))).scalar_one_or_none()
        return HealthMeasure.model_validate(value) if value is not None else None

    @activity.defn(name="evaluate_health")
    async def evaluate_health(self, ref: JobRef) -> list[HealthSignal]:
        """The observation window that ends now against the baseline, per scope of the contract."""
        start = ref.at - timedelta(seconds=ref.window_seconds or 0)
        async with self._engine.begin() as conn:
            signals = []
            for scope in await _scopes(conn, ref.contract_id):
                capability, target = split_scope(scope)
                before = await self._baseline(conn, ref.contract_id, scope)
                signals.append(judge(capability, target, before, await self._measure(conn, scope, start, ref.at)))
            for signal in signals:
                # Append-only, and one signal per (job, scope): a retry cannot overwrite a verdict.
                await conn.execute(pg_insert(health_signals).values(
                    contract_id=ref.contract_id, job_id=ref.job_id, capability=signal.capability,
                    target=signal.target, status=signal.status, violations=signal.violations,
                    checks_evaluated=signal.checks_evaluated, evidence=signal.evidence, evaluated_at=ref.at,
                ).on_conflict_do_nothing())
            await append_once(conn, contract_stream(ref.contract_id), _derived(ref, 1), "health.evaluated",
                              {"job_id": str(ref.job_id), "signals": [s.model_dump(mode="json") for s in signals]},
                              ref.at)
            return signals


def _derived(ref: JobRef, n: int) -> Any:
    return UUID(int=(ref.job_id.int + 20_000 + n) % (1 << 128))


class AuditActivities:
    """The Governance Auditor: verdicts are append-only (the database refuses changes)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def evidence(self, conn: AsyncConnection, ref: JobRef) -> AuditEvidence:
        contract_row = await get_contract(conn, ref.contract_id)
        if contract_row is None:
            raise NotFound(f"contract {ref.contract_id} does not exist", code="contract_not_found")
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
            health=[HealthSignal.model_validate({**s, "evidence": s["evidence"] or {}}) for s in signals])

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
        """A resolution of an INCONCLUSIVE audit (by the founder or the deadline): a new verdict row, never an edit."""
        who = str(cmd.founder_id) if cmd.founder_id else "deadline"
        by = f"founder:{cmd.founder_id}" if cmd.founder_id else "deadline"
        async with self._engine.begin() as conn:
            written = await append_once(conn, contract_stream(cmd.contract_id), cmd.audit_id, "audit.resolved",
                                        {"resolution": cmd.resolution, "by": who, "note": cmd.note}, cmd.at)
            if written:
                await conn.execute(pg_insert(audit_verdicts).values(
                    id=cmd.audit_id, contract_id=cmd.contract_id, job_id=cmd.job_id, verdict="INCONCLUSIVE",
                    reasons=[f"{'founder' if cmd.founder_id else 'deadline'} resolved: {cmd.resolution}"]
                    + ([cmd.note] if cmd.note else []), resolution=cmd.resolution, decided_by=by, created_at=cmd.at))
