"""The capital schedules (daily cost rollup, weekly summary), created idempotently."""

from __future__ import annotations

import logging

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
)

from infra.settings import Settings
from infra.temporal import queues
from workflows.cost_rollup import CostRollupWorkflow, RollupInput
from workflows.weekly_summary import WeeklyInput, WeeklySummaryWorkflow

log = logging.getLogger(__name__)


def schedule_ids(settings: Settings) -> tuple[str, str]:
    suffix = settings.task_queue_suffix
    return f"capital-cost-rollup{suffix}", f"capital-weekly-summary{suffix}"


async def ensure_capital_schedules(client: Client, settings: Settings) -> list[str]:
    """Create the two schedules unless they exist; returns the ids of those created now."""
    rollup_id, weekly_id = schedule_ids(settings)
    queue = settings.queue(queues.CAPITAL)
    wanted = [
        (rollup_id, ScheduleActionStartWorkflow(CostRollupWorkflow.run, RollupInput(), id=f"{rollup_id}-run",
                                                task_queue=queue), settings.capital_rollup_cron),
        (weekly_id, ScheduleActionStartWorkflow(WeeklySummaryWorkflow.run, WeeklyInput(), id=f"{weekly_id}-run",
                                                task_queue=queue), settings.capital_weekly_cron),
    ]
    created = []
    for schedule_id, action, cron in wanted:
        try:
            spec = ScheduleSpec(cron_expressions=[cron])
            await client.create_schedule(schedule_id, Schedule(action=action, spec=spec))
            created.append(schedule_id)
        except ScheduleAlreadyRunningError:
            log.info("schedule %s already exists", schedule_id)
    return created
