"""After approval (governed-change-v2): the scope, the job, health and audit, then rollout or rollback.

The contract takes its scopes (the capability instances it changes) before it starts, so two contracts on
the same scope run one after the other (the second waits, visibly: a `contract.waiting_for_scope` event
and the WAITING_FOR_SCOPE search attribute) and snapshots, audit and rollback cover its own scopes only.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError

from workflows.lifecycle_base import LifecycleBase, local, remote

with workflow.unsafe.imports_passed_through():
    from activities.governance_health import AuditActivities, PlatformHealthService
    from activities.governance_notify import IncidentActivities
    from activities.governance_scope import ScopeActivities
    from domain.governance.audit import AuditResult, next_after_audit
    from domain.governance.changes import ProposedChanges
    from domain.governance.contracts import ContractStatus
    from domain.governance.messages import (
        BaselineRef,
        ClaimScope,
        FinishedJob,
        JobRef,
        LifecyclePolicy,
        RaiseIncident,
        RecordResolution,
        ReleaseScope,
    )

WAITING_FOR_SCOPE = "WAITING_FOR_SCOPE"


class ContractExecution(LifecycleBase):
    scope_freed = False
    deadline_passed = False  # an INCONCLUSIVE audit went unresolved: rolled back, no resolution accepted

    @workflow.signal
    def scope_released(self) -> None:
        """Another contract freed a scope this one waits for: try again now."""
        self.scope_freed = True

    async def _execute(self, policy: LifecyclePolicy) -> None:
        assert self.contract is not None and self.contract.activation_window is not None
        wait = (self.contract.activation_window.start - workflow.now()).total_seconds()
        if wait > 0:
            await workflow.sleep(timedelta(seconds=wait))
        try:
            if not await self._claim(policy):
                await self._not_executed(policy, "the activation window closed while another contract held its "
                                                 "scope")
                return
            await self.transition(ContractStatus.ACTIVE, "contract.activated",
                                  {"activated_at": workflow.now().isoformat()})
            await self._baseline(policy)
            try:
                job = await self._run_job("execute")
            except ActivityError as exc:  # it could not even start (e.g. its target is gone): nothing changed
                await self._not_executed(policy, f"the job could not start: {exc.cause or exc}")
                return
            if policy.observation_window_seconds > 0:
                await workflow.sleep(timedelta(seconds=policy.observation_window_seconds))
            ref, verdict = await self._judge(job, policy)
            outcome: str = next_after_audit(verdict.verdict)
            if outcome == "escalate":
                outcome = await self._escalate(ref, policy)
            if outcome == "rollout":
                await self.transition(ContractStatus.COMPLETED, "contract.completed", {"audit": verdict.verdict})
            else:
                await self._rollback(policy, job.job_id, verdict)
        finally:
            await self._release()

    async def _claim(self, policy: LifecyclePolicy) -> bool:
        """Take the contract's scopes, waiting (woken by a signal, or rechecking) while another contract holds one.

        False when the activation window closed first: the change was never executed.
        """
        assert self.contract is not None and self.contract.activation_window is not None
        scopes = ProposedChanges.model_validate(self.contract.proposed_changes).scopes()
        announced: UUID | None = None
        while True:
            claim = await local(ScopeActivities.claim_scope, ClaimScope(
                contract_id=self.contract.id, workflow_id=workflow.info().workflow_id, scopes=scopes,
                at=workflow.now()))
            if claim.claimed:
                return True
            if claim.held_by != announced:
                await self.transition(ContractStatus.APPROVED, "contract.waiting_for_scope",
                                      {"scope": claim.scope, "held_by": str(claim.held_by)})
                self.set_status(WAITING_FOR_SCOPE)
                announced = claim.held_by
            remaining = (self.contract.activation_window.end - workflow.now()).total_seconds()
            if remaining <= 0:
                return False
            self.scope_freed = False
            try:
                await workflow.wait_condition(lambda: self.scope_freed, timeout=timedelta(
                    seconds=min(remaining, policy.scope_recheck_seconds)))
            except TimeoutError:
                pass

    async def _release(self) -> None:
        """Free the scopes and wake whoever waits for them."""
        assert self.contract is not None
        released = await remote(ScopeActivities.release_scope, ReleaseScope(contract_id=self.contract.id))
        for workflow_id in released.waiting_workflow_ids:
            try:
                await workflow.get_external_workflow_handle(workflow_id).signal(ContractExecution.scope_released)
            except FailureError:
                pass  # that lifecycle has ended meanwhile; nobody to wake

    async def _baseline(self, policy: LifecyclePolicy) -> None:
        """Health over the window before the change; without it, every problem after counts as new."""
        assert self.contract is not None
        try:
            await remote(PlatformHealthService.measure_baseline, BaselineRef(
                contract_id=self.contract.id, at=workflow.now(), window_seconds=policy.observation_window_seconds))
        except ActivityError:
            pass

    async def _judge(self, job: FinishedJob, policy: LifecyclePolicy) -> tuple[JobRef, AuditResult]:
        """Health, then the audit; if either cannot be established at all, the change fails (the safe side)."""
        assert self.contract is not None
        ref = JobRef(contract_id=self.contract.id, job_id=job.job_id, at=workflow.now(), audit_id=workflow.uuid4(),
                     window_seconds=policy.observation_window_seconds)
        try:
            await remote(PlatformHealthService.evaluate_health, ref)
            return ref, await remote(AuditActivities.record_audit, ref)
        except ActivityError as exc:
            return ref, AuditResult(verdict="FAIL", reasons=[f"health or audit could not run: {exc.cause or exc}"])

    async def _escalate(self, ref: JobRef, policy: LifecyclePolicy) -> str:
        """INCONCLUSIVE: the founder is told and resolves it before the deadline; after it, it is rolled back."""
        deadline = workflow.now() + timedelta(seconds=policy.inconclusive_deadline_seconds)
        await self.transition(ContractStatus.AUDIT_INCONCLUSIVE, "contract.audit_escalated",
                              {"deadline": deadline.isoformat()})
        await self.notify("audit_inconclusive", due=deadline)
        try:
            await workflow.wait_condition(lambda: self.resolution is not None, timeout=deadline - workflow.now())
        except TimeoutError:
            pass
        cmd = self.resolution
        if cmd is None:
            self.deadline_passed = True
            await remote(AuditActivities.record_resolution, RecordResolution(
                contract_id=ref.contract_id, job_id=ref.job_id, audit_id=workflow.uuid4(), resolution="rollback",
                founder_id=None, note=f"unresolved at the deadline {deadline.isoformat()}", at=workflow.now()))
            return "rollback"
        await remote(AuditActivities.record_resolution, RecordResolution(
            contract_id=ref.contract_id, job_id=ref.job_id, audit_id=workflow.uuid4(), resolution=cmd.resolution,
            founder_id=cmd.founder_id, note=cmd.note, at=workflow.now()))
        return cmd.resolution

    async def _rollback(self, policy: LifecyclePolicy, job_id: UUID, verdict: AuditResult) -> None:
        """Compensation: restore the contract's scopes, then FAILED, an incident and the founder notified."""
        assert self.contract is not None
        try:
            restored = await self._run_job("rollback", rollback_of=job_id)
            job, done = str(restored.job_id), restored.restored_prior_state
        except ActivityError as exc:
            job, done = None, False
            verdict = AuditResult(verdict=verdict.verdict, reasons=[*verdict.reasons,
                                                                    f"the rollback could not start: {exc.cause}"])
        await self.transition(ContractStatus.FAILED, "contract.failed",
                              {"audit": verdict.verdict, "reasons": verdict.reasons, "rollback_job_id": job,
                               "restored": done})
        await self._incident(policy, f"contract {self.contract.id} rolled back after audit {verdict.verdict}",
                             job_id, {"reasons": verdict.reasons, "rollback_job_id": job,
                                      "restored_prior_state": done})

    async def _not_executed(self, policy: LifecyclePolicy, why: str) -> None:
        """The change could not be executed at all: FAILED, nothing was changed."""
        assert self.contract is not None
        reasons = [f"{why}; nothing was changed"]
        await self.transition(ContractStatus.FAILED, "contract.failed", {"reasons": reasons, "executed": False})
        await self._incident(policy, f"contract {self.contract.id} was not executed", None, {"reasons": reasons},
                             kind="contract_not_executed")

    async def _incident(self, policy: LifecyclePolicy, summary: str, job_id: UUID | None,
                        details: dict[str, object], kind: str = "contract_rolled_back") -> None:
        """The incident, and the founder notified with it (the notifications port, as every notice)."""
        assert self.contract is not None
        await remote(IncidentActivities.raise_incident, RaiseIncident(
            incident_id=workflow.uuid4(), notification_id=workflow.uuid4(), contract_id=self.contract.id,
            job_id=job_id, summary=summary, recipient=policy.founder_notify, at=workflow.now(), details=details,
            kind=kind))
