"""The execution phase as lifecycles recorded before the governed-change-v2 patch ran it (kept for replay).

A lifecycle without the v2 marker in its history replays through these methods, command for command;
every new lifecycle takes contract_execution.py instead. Remove once no such history is kept or running.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from temporalio import workflow

from workflows.lifecycle_base import LifecycleBase, remote

with workflow.unsafe.imports_passed_through():
    from activities.governance_health import AuditActivities, PlatformHealthService
    from activities.governance_notify import IncidentActivities
    from domain.governance.audit import AuditResult, next_after_audit
    from domain.governance.contracts import ContractStatus
    from domain.governance.messages import JobRef, LifecyclePolicy, RaiseIncident, RecordResolution


class LegacyExecution(LifecycleBase):
    async def _execute_v1(self, policy: LifecyclePolicy) -> None:
        assert self.contract is not None and self.contract.activation_window is not None
        wait = (self.contract.activation_window.start - workflow.now()).total_seconds()
        if wait > 0:
            await workflow.sleep(timedelta(seconds=wait))
        await self.transition(ContractStatus.ACTIVE, "contract.activated",
                              {"activated_at": workflow.now().isoformat()})
        job = await self._run_job("execute")
        ref = JobRef(contract_id=self.contract.id, job_id=job.job_id, at=workflow.now(), audit_id=workflow.uuid4())
        await remote(PlatformHealthService.evaluate_health, ref)
        verdict = await remote(AuditActivities.record_audit, ref)
        outcome: str = next_after_audit(verdict.verdict)
        if outcome == "escalate":
            outcome = await self._escalate_v1(ref)
        if outcome == "rollout":
            await self.transition(ContractStatus.COMPLETED, "contract.completed", {"audit": verdict.verdict})
        else:
            await self._rollback_v1(policy, job.job_id, verdict)

    async def _escalate_v1(self, ref: JobRef) -> str:
        await self.transition(ContractStatus.AUDIT_INCONCLUSIVE, "contract.audit_escalated", {})
        await workflow.wait_condition(lambda: self.resolution is not None)
        cmd = self.resolution
        assert cmd is not None
        await remote(AuditActivities.record_resolution, RecordResolution(
            contract_id=ref.contract_id, job_id=ref.job_id, audit_id=workflow.uuid4(), resolution=cmd.resolution,
            founder_id=cmd.founder_id, note=cmd.note, at=workflow.now()))
        return cmd.resolution

    async def _rollback_v1(self, policy: LifecyclePolicy, job_id: UUID, verdict: AuditResult) -> None:
        assert self.contract is not None
        restored = await self._run_job("rollback", rollback_of=job_id)
        await self.transition(ContractStatus.FAILED, "contract.failed",
                              {"audit": verdict.verdict, "reasons": verdict.reasons,
                               "rollback_job_id": str(restored.job_id), "restored": restored.restored_prior_state})
        summary = f"contract {self.contract.id} rolled back after audit {verdict.verdict}"
        await remote(IncidentActivities.raise_incident, RaiseIncident(
            incident_id=workflow.uuid4(), notification_id=workflow.uuid4(), contract_id=self.contract.id,
            job_id=job_id, summary=summary, recipient=policy.founder_notify, at=workflow.now(),
            details={"reasons": verdict.reasons, "rollback_job_id": str(restored.job_id),
                     "restored_prior_state": restored.restored_prior_state}))
