"""KernelCycleWorkflow: one revenue cycle for a tenant from stored data (scheduled, manual or on deviation).

Run and store happen in one activity (the 12-hour rule is checked under a per-tenant lock in the
same transaction that stores the cycle); the workflow decides, with domain code, which actions need
a human and files them: the kernel recommends, humans approve.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.kernel import KernelActivities
    from domain.kernel.assembly import governed_actions
    from domain.kernel.messages import (
        FileKernelActions,
        KernelCycleInput,
        KernelCycleResult,
        RunKernelCycle,
    )
    from domain.kernel.outputs import KernelOutput, dump_contract

RETRY = RetryPolicy(maximum_attempts=5, initial_interval=timedelta(seconds=1))


@workflow.defn
class KernelCycleWorkflow:
    @workflow.run
    async def run(self, command: KernelCycleInput) -> KernelCycleResult:
        timeout = timedelta(seconds=command.activity_timeout_seconds)
        now = workflow.now()
        outcome = await workflow.execute_activity_method(
            KernelActivities.run_cycle,
            RunKernelCycle(tenant_id=command.tenant_id, cycle_id=workflow.uuid4(), trigger_type=command.trigger_type,
                           source=command.source, now=now, window_days=command.window_days),
            start_to_close_timeout=timeout, retry_policy=RETRY)
        if outcome.status != "completed":
            return KernelCycleResult(cycle=outcome)
        actions = governed_actions(KernelOutput.model_validate(outcome.result))
        filing = await workflow.execute_activity_method(
            KernelActivities.file_actions,
            FileKernelActions(tenant_id=command.tenant_id, cycle_id=outcome.cycle_id,
                              actions=[dump_contract(a) for a in actions], now=now),
            start_to_close_timeout=timeout, retry_policy=RETRY)
        return KernelCycleResult(cycle=outcome, filing=filing)
