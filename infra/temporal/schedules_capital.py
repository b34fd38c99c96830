"""The capital schedules (daily cost rollup, weekly summary, the live spend poll), created idempotently."""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)

from domain.capital.messages import (
    RollupInput,
    WeeklyInput,
    rollup_schedule_id,
    scheduled_run_id,
    spend_poll_schedule_id,
    weekly_schedule_id,
)
from infra.settings import Settings
from infra.temporal import queues
from workflows.cost_rollup import CostRollupWorkflow
from workflows.weekly_summary import WeeklySummaryWorkflow

log = logging.getLogger(__name__)


def schedule_ids(settings: Settings) -> tuple[str, str]:
    """The rollup's and the weekly summary's schedule ids for this deployment."""
    suffix = settings.task_queue_suffix
    return rollup_schedule_id(suffix), weekly_schedule_id(suffix)


async def ensure_capital_schedules(client: Client, settings: Settings) -> list[str]:
    """Create the schedules (daily rollup, weekly summary, spend poll) unless they exist; returns those created now."""
    rollup_id, weekly_id = schedule_ids(settings)
    queue = settings.queue(queues.CAPITAL)
    poll_id = spend_poll_schedule_id(settings.task_queue_suffix)
    every = ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(seconds=settings.capital_spend_poll_seconds))])
    wanted = [
        (rollup_id, ScheduleActionStartWorkflow(CostRollupWorkflow.run, RollupInput(),
                                                id=scheduled_run_id(rollup_id), task_queue=queue),
         ScheduleSpec(cron_expressions=[settings.capital_rollup_cron])),
        (weekly_id, ScheduleActionStartWorkflow(WeeklySummaryWorkflow.run, WeeklyInput(),
                                                id=scheduled_run_id(weekly_id), task_queue=queue),
         ScheduleSpec(cron_expressions=[settings.capital_weekly_cron])),
        # Provider usage through the day: every tenant's day so far, so spend reaches the governors in minutes.
        (poll_id, ScheduleActionStartWorkflow(CostRollupWorkflow.run, RollupInput(live=True),
                                              id=scheduled_run_id(poll_id), task_queue=queue), every),
    ]
    created = []
    for schedule_id, action, spec in wanted:
        try:
            await client.create_schedule(schedule_id, Schedule(action=action, spec=spec))
            created.append(schedule_id)
        except ScheduleAlreadyRunningError:
            log.info("schedule %s already exists", schedule_id)
    return created
