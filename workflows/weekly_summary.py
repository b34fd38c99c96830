"""WeeklySummaryWorkflow: the default weekly admin summary for the week just closed, stored for reading."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.capital import CapitalActivities
    from domain.capital.messages import WeeklyCommand, WeeklyInput
    from domain.capital.weekly import WeeklyTotals, week_of


@workflow.defn
class WeeklySummaryWorkflow:
    @workflow.run
    async def run(self, data: WeeklyInput) -> WeeklyTotals:
        week = data.week or week_of(workflow.now().date() - timedelta(days=7))
        return await workflow.execute_activity_method(
            CapitalActivities.weekly_summary, WeeklyCommand(week=week, at=workflow.now()),
            start_to_close_timeout=timedelta(minutes=2), retry_policy=RetryPolicy(maximum_attempts=5))
