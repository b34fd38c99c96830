"""Steps 6-10 of the contract lifecycle, run inside ContractLifecycleWorkflow (not a workflow itself).

Activation waits for the window by a durable timer; the job applies its steps in order (each
exactly once); health, then audit, decide rollout or rollback; a FAIL always rolls back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain.governance.audit import AuditResult, next_after_audit
    from domain.governance.commands import (
        ApplyStep,
        FinishedJob,
        FinishJob,
        JobRef,
        LifecyclePolicy,
        RaiseIncident,
        RecordResolution,
        StartedJob,
        StartJob,
    )
    from domain.governance.contracts import ContractStatus

if TYPE_CHECKING:
    from workflows.contract_lifecycle import ContractLifecycleWorkflow

T = TypeVar("T")
RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=5))


# Short, single-transaction bookkeeping runs as local activities (no task-queue round trip): it is
# what the founder's approve call and receipt -> DRAFT wait on. Job steps, health and audit stay
# regular activities, visible and individually retried by the server.
LOCAL = frozenset({"validate_issue", "check_eligibility", "check_scope", "create_draft", "transition_contract"})


async def act(name: str, arg: Any, result_type: type[T]) -> T:
    """Run one governance activity with the lifecycle's timeout and retry policy."""
    result: T
    if name in LOCAL:
        result = await workflow.execute_local_activity(name, arg, result_type=result_type, retry_policy=RETRY,
                                                       start_to_close_timeout=timedelta(seconds=15))
    else:
        result = await workflow.execute_activity(name, arg, result_type=result_type, retry_policy=RETRY,
                                                 start_to_close_timeout=timedelta(seconds=15))
    return result


async def run_job(wf: ContractLifecycleWorkflow, kind: str, rollback_of: Any = None) -> FinishedJob:
    """Create the job, apply its steps in order, close it."""
    assert wf.contract is not None
    constraints = wf.contract.execution_constraints
    job = await act("start_job", StartJob(
        job_id=workflow.uuid4(), contract_id=wf.contract.id, kind=kind, at=workflow.now(),  # type: ignore[arg-type]
        rollback_of=rollback_of, max_steps=constraints.max_steps if constraints else 50), StartedJob)
    interval = constraints.step_interval_seconds if constraints and kind == "execute" else 0
    window = wf.contract.activation_window if kind == "execute" else None
    error: str | None = None
    for i, step in enumerate(job.steps):
        if i and interval:
            await workflow.sleep(timedelta(seconds=interval))
        try:
            await act("apply_job_step", ApplyStep(job_id=job.job_id, seq=step.seq, window=window), object)
        except ActivityError as exc:
            error = str(exc.cause or exc)
            break
    status = "FAILED" if error else "COMPLETED"
    return await act("finish_job", FinishJob(job_id=job.job_id, status=status, at=workflow.now(), error=error),
                     FinishedJob)


async def execute(wf: ContractLifecycleWorkflow, policy: LifecyclePolicy) -> None:
    """Activation, job, health, audit, then rollout or rollback."""
    assert wf.contract is not None and wf.contract.activation_window is not None
    wait = (wf.contract.activation_window.start - workflow.now()).total_seconds()
    if wait > 0:
        await workflow.sleep(timedelta(seconds=wait))
    await wf.transition(ContractStatus.ACTIVE, "contract.activated", {"activated_at": workflow.now().isoformat()})
    job = await run_job(wf, "execute")
    ref = JobRef(contract_id=wf.contract.id, job_id=job.job_id, at=workflow.now(), audit_id=workflow.uuid4())
    await act("evaluate_health", ref, object)
    verdict = await act("record_audit", ref, AuditResult)
    outcome: str = next_after_audit(verdict.verdict)
    if outcome == "escalate":
        outcome = await escalate(wf, ref)
    if outcome == "rollout":
        await wf.transition(ContractStatus.COMPLETED, "contract.completed", {"audit": verdict.verdict})
    else:
        await rollback(wf, policy, job.job_id, verdict)


async def escalate(wf: ContractLifecycleWorkflow, ref: JobRef) -> str:
    """INCONCLUSIVE: wait (durably, without a deadline) for the founder's resolution."""
    await wf.transition(ContractStatus.AUDIT_INCONCLUSIVE, "contract.audit_escalated", {})
    await workflow.wait_condition(lambda: wf.resolution is not None)
    cmd = wf.resolution
    assert cmd is not None
    await act("record_resolution", RecordResolution(
        contract_id=ref.contract_id, job_id=ref.job_id, audit_id=workflow.uuid4(), resolution=cmd.resolution,
        founder_id=cmd.founder_id, note=cmd.note, at=workflow.now()), object)
    return cmd.resolution


async def rollback(wf: ContractLifecycleWorkflow, policy: LifecyclePolicy, job_id: Any, verdict: AuditResult
                   ) -> None:
    """Compensation: restore the exact prior state, then FAILED, an incident and the founder notified."""
    assert wf.contract is not None
    restored = await run_job(wf, "rollback", rollback_of=job_id)
    await wf.transition(ContractStatus.FAILED, "contract.failed",
                        {"audit": verdict.verdict, "reasons": verdict.reasons,
                         "rollback_job_id": str(restored.job_id), "restored": restored.restored_prior_state})
    summary = f"contract {wf.contract.id} rolled back after audit {verdict.verdict}"
    await act("raise_incident", RaiseIncident(
        incident_id=workflow.uuid4(), notification_id=workflow.uuid4(), contract_id=wf.contract.id,
        job_id=job_id, summary=summary, recipient=policy.founder_notify, at=workflow.now(),
        details={"reasons": verdict.reasons, "rollback_job_id": str(restored.job_id),
                 "restored_prior_state": restored.restored_prior_state}), object)
