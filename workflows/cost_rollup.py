"""CostRollupWorkflow: the daily cost truth (each tenant's day), then each live experiment's spend to its governor.

The daily schedule runs it for each tenant's last closed day; the spend poll schedule runs it `live`
through the day (each tenant's day so far, provider usage polled), so the governors hear of spend within
minutes rather than the next day.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.capital import CapitalActivities
    from domain.capital.messages import (
        RollupCommand,
        RollupInput,
        RollupResult,
        SpendUpdate,
        experiment_workflow_id,
    )
    from workflows.experiment import ExperimentWorkflow

ROLLUP_RETRY = RetryPolicy(maximum_attempts=5)
ROLLUP_TIMEOUT = timedelta(minutes=5)


async def signal_spend(result: RollupResult) -> None:
    """Each live experiment's total spend to its governor (the newest total wins there)."""
    for experiment_id, spend in result.spend_by_experiment.items():
        handle = workflow.get_external_workflow_handle(experiment_workflow_id(experiment_id))
        try:
            await handle.signal(ExperimentWorkflow.record_spend, SpendUpdate(spend_usd=spend, as_of=result.as_of))
        except Exception:
            workflow.logger.warning("experiment %s has no governing workflow to signal", experiment_id)


@workflow.defn
class CostRollupWorkflow:
    @workflow.run
    async def run(self, data: RollupInput) -> RollupResult:
        command = RollupCommand(day=data.day, at=workflow.now(), tenant_id=data.tenant_id, live=data.live)
        result = await workflow.execute_activity_method(CapitalActivities.rollup_costs, command,
                                                        start_to_close_timeout=ROLLUP_TIMEOUT,
                                                        retry_policy=ROLLUP_RETRY)
        await signal_spend(result)
        return result
