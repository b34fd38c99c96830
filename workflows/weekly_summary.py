"""WeeklySummaryWorkflow: the default weekly admin summary for the week just closed, stored for reading."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.capital import WeeklyCommand
    from domain.capital.weekly import WeeklyTotals, week_of


class WeeklyInput(BaseModel):
    week: str | None = None  # None: the previous ISO week, as the weekly schedule runs it


@workflow.defn
class WeeklySummaryWorkflow:
    @workflow.run
    async def run(self, data: WeeklyInput) -> WeeklyTotals:
        week = data.week or week_of(workflow.now().date() - timedelta(days=7))
        totals: WeeklyTotals = await workflow.execute_activity(
            "capital_weekly_summary", WeeklyCommand(week=week, at=workflow.now()),
            start_to_close_timeout=timedelta(minutes=2), retry_policy=RetryPolicy(maximum_attempts=5),
            result_type=WeeklyTotals)
        return totals
