"""What every phase of ContractLifecycleWorkflow shares: its state, activity calls, transitions and the job loop.

Not a workflow: ContractLifecycleWorkflow (workflows/contract_lifecycle.py) is built from this base and
the execution phases beside it (contract_execution.py now, contract_legacy.py for histories recorded
before governed-change-v2).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.governance import GovernanceActivities
    from activities.governance_jobs import JobActivities
    from activities.governance_notify import IncidentActivities
    from domain.governance.contracts import ContractStatus
    from domain.governance.messages import (
        ApplyStep,
        ContractState,
        FinishedJob,
        FinishJob,
        LifecyclePolicy,
        NotifyFounder,
        ResolveAudit,
        StartJob,
        Transition,
    )
    from domain.governance.notices import NoticeKind
    from infra.temporal.search_attributes import STATUS

A = TypeVar("A")
R = TypeVar("R")
# Bounded: a poison input (or a bug) ends in a failed update or step after these attempts, never in a
# contract held forever; business refusals are not retried at all (the error bridge marks them so).
LOCAL_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=5),
                          maximum_attempts=10)
RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=10),
                    maximum_attempts=20)
TIMEOUT = timedelta(seconds=15)
# A job step that runs long (onboarding a voice configuration) heartbeats at least this often while it waits.
STEP_HEARTBEAT = timedelta(seconds=60)


async def local(activity: Callable[[Any, A], Awaitable[R]], arg: A) -> R:
    """Short, single-transaction bookkeeping (what the founder's approve call and receipt -> DRAFT wait on)
    runs as a local activity: no task-queue round trip."""
    return await workflow.execute_local_activity_method(activity, arg, start_to_close_timeout=TIMEOUT,
                                                        retry_policy=LOCAL_RETRY)


async def remote(activity: Callable[[Any, A], Awaitable[R]], arg: A) -> R:
    """Job steps, health, audit and incidents: regular activities, visible and individually retried by the server."""
    return await workflow.execute_activity_method(activity, arg, start_to_close_timeout=TIMEOUT, retry_policy=RETRY)


class LifecycleBase:
    def __init__(self) -> None:
        self.contract: ContractState | None = None
        self.policy: LifecyclePolicy | None = None
        self.issue_id: UUID | None = None
        self.decision: str | None = None  # approve | reject
        self.resolution: ResolveAudit | None = None
        self.busy = False

    def set_status(self, status: str) -> None:
        workflow.upsert_search_attributes([STATUS.value_set(status)])

    async def transition(self, status: ContractStatus, event_type: str, payload: dict[str, Any],
                         by: UUID | None = None, **extra: Any) -> None:
        assert self.contract is not None
        self.contract = await local(GovernanceActivities.transition_contract, Transition(
            contract_id=self.contract.id, to_status=status, event_type=event_type, event_id=workflow.uuid4(),
            at=workflow.now(), by=by, payload=payload, **extra))
        self.set_status(status)

    async def notify(self, kind: NoticeKind, due: datetime | None = None,
                     details: dict[str, Any] | None = None) -> None:
        """Tell the founder; a notification that cannot be delivered never holds the contract up."""
        assert self.contract is not None and self.policy is not None
        try:
            await remote(IncidentActivities.notify_founder, NotifyFounder(
                notification_id=workflow.uuid4(), contract_id=self.contract.id, kind=kind,
                recipient=self.policy.founder_notify, at=workflow.now(), due=due, details=details or {}))
        except ActivityError:
            workflow.logger.warning("the founder could not be notified (%s) about %s", kind, self.contract.id)

    async def _apply(self, step: ApplyStep) -> None:
        """One job step, given the policy's step time (a voice step waits for onboarding) and a heartbeat."""
        timeout = timedelta(seconds=self.policy.step_timeout_seconds) if self.policy is not None else TIMEOUT
        await workflow.execute_activity_method(JobActivities.apply_job_step, step, start_to_close_timeout=timeout,
                                               heartbeat_timeout=STEP_HEARTBEAT, retry_policy=RETRY)

    async def _run_job(self, kind: Literal["execute", "rollback"], rollback_of: UUID | None = None) -> FinishedJob:
        """Create the job, apply its steps in order, close it."""
        assert self.contract is not None
        constraints = self.contract.execution_constraints
        job = await remote(JobActivities.start_job, StartJob(
            job_id=workflow.uuid4(), contract_id=self.contract.id, kind=kind,
            at=workflow.now(), rollback_of=rollback_of, max_steps=constraints.max_steps if constraints else 50))
        interval = constraints.step_interval_seconds if constraints and kind == "execute" else 0
        window = self.contract.activation_window if kind == "execute" else None
        error: str | None = None
        for i, step in enumerate(job.steps):
            if i and interval:
                await workflow.sleep(timedelta(seconds=interval))
            try:
                await self._apply(ApplyStep(job_id=job.job_id, seq=step.seq, window=window))
            except ActivityError as exc:
                error = str(exc.cause or exc)
                break
        status = "FAILED" if error else "COMPLETED"
        return await remote(JobActivities.finish_job, FinishJob(job_id=job.job_id, status=status, at=workflow.now(),
                                                                error=error))
