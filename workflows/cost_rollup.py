"""CostRollupWorkflow: the daily cost truth, then each live experiment's spend to its governor (signal)."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.capital import RollupCommand, RollupResult
    from workflows.experiment import ExperimentWorkflow, SpendUpdate


class RollupInput(BaseModel):
    day: date | None = None  # None: yesterday (UTC), as the daily schedule runs it


def experiment_workflow_id(experiment_id: object) -> str:
    return f"experiment-{experiment_id}"


@workflow.defn
class CostRollupWorkflow:
    @workflow.run
    async def run(self, data: RollupInput) -> RollupResult:
        day = data.day or (workflow.now().date() - timedelta(days=1))
        result: RollupResult = await workflow.execute_activity(
            "capital_rollup_costs", RollupCommand(day=day, at=workflow.now()),
            start_to_close_timeout=timedelta(minutes=5), retry_policy=RetryPolicy(maximum_attempts=5),
            result_type=RollupResult)
        for experiment_id, spend in result.spend_by_experiment.items():
            handle = workflow.get_external_workflow_handle(experiment_workflow_id(experiment_id))
            try:
                await handle.signal(ExperimentWorkflow.record_spend, SpendUpdate(spend_usd=spend))
            except Exception:
                workflow.logger.warning("experiment %s has no governing workflow to signal", experiment_id)
        return result
