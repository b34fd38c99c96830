"""CallFollowUpWorkflow: what a finished call sets off, outside the call: its deliveries and its cost.

CallWorkflow starts it (abandoned: the call's workflow does not wait) on the integrations task queue. It asks the
planner which deliveries the call's events and pinned configuration produce, starts one DeliveryWorkflow per
delivery (abandoned too; a duplicate start is a no-op because the id is derived from call, integration and event),
then writes the call's cost lines.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.call_costs import CostActivities
    from activities.delivery import DeliveryActivities
    from domain.integrations.messages import FollowUpResult, PlanDeliveries, RecordCallCost, delivery_workflow_id
    from workflows.delivery import DeliveryWorkflow

# The planner reads Postgres: retry (slowly) through an outage rather than lose the call's deliveries.
PLAN_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# The carrier prices a completed call within minutes; after that wait, telephony is priced from the rates.
PRICE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=2),
                          maximum_attempts=8)


@workflow.defn
class CallFollowUpWorkflow:
    @workflow.run
    async def run(self, inp: PlanDeliveries) -> FollowUpResult:
        plan = await workflow.execute_activity_method(DeliveryActivities.plan_deliveries, inp,
                                                      start_to_close_timeout=timedelta(seconds=60),
                                                      retry_policy=PLAN_RETRY)
        result = FollowUpResult(call_sid=inp.call_sid)
        for delivery in plan.deliveries:
            try:
                await workflow.start_child_workflow(
                    DeliveryWorkflow.run, delivery, id=delivery_workflow_id(delivery.delivery_id),
                    task_queue=plan.task_queue or None, parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
                result.started.append(delivery.delivery_id)
            except WorkflowAlreadyStartedError:
                result.already_started.append(delivery.delivery_id)
        result.cost_lines = await self._cost(inp)
        return result

    async def _cost(self, inp: PlanDeliveries) -> int:
        cmd = RecordCallCost(call_sid=inp.call_sid, tenant_id=inp.tenant_id, events=inp.events)
        try:
            return await workflow.execute_activity_method(CostActivities.record_call_cost, cmd,
                                                          start_to_close_timeout=timedelta(seconds=60),
                                                          retry_policy=PRICE_RETRY)
        except ActivityError:
            workflow.logger.warning("call %s: no carrier price; telephony priced from the rates", inp.call_sid)
        return await workflow.execute_activity_method(CostActivities.record_call_cost,
                                                      cmd.model_copy(update={"use_rates": True}),
                                                      start_to_close_timeout=timedelta(seconds=60),
                                                      retry_policy=PLAN_RETRY)
