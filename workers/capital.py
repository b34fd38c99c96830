"""The capital worker bundle: experiment governors, the daily rollup and the weekly summary."""

from __future__ import annotations

import asyncio
import logging

from activities.capital import CapitalActivities
from activities.capital_costs import gcp_port, twilio_port
from activities.capital_notify import capital_notifier
from infra.temporal import queues
from infra.temporal.schedules_capital import ensure_capital_schedules
from workers.bundle import WorkerBundle, WorkerDeps
from workflows.cost_rollup import CostRollupWorkflow
from workflows.experiment import ExperimentWorkflow
from workflows.spend_refresh import SpendRefreshWorkflow
from workflows.weekly_summary import WeeklySummaryWorkflow

log = logging.getLogger(__name__)
_background: set[asyncio.Task[list[str]]] = set()


def _schedule_at_start(deps: WorkerDeps) -> None:
    """The deployment's worker creates the schedules (idempotent); tests (a queue suffix) create their own."""
    if not deps.settings.capital_create_schedules or deps.settings.task_queue_suffix:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(ensure_capital_schedules(deps.client, deps.settings))
    _background.add(task)
    task.add_done_callback(_schedules_done)


def _schedules_done(task: asyncio.Task[list[str]]) -> None:
    _background.discard(task)
    if task.cancelled():
        return
    if task.exception() is not None:
        log.error("capital schedules were not created: %s (run `revos capital-schedules`)", task.exception())
    else:
        log.info("capital schedules created: %s", task.result() or "already present")


def capital_bundle(deps: WorkerDeps) -> WorkerBundle:
    activities = CapitalActivities(deps.engine, twilio_port(deps.settings, deps.engine),
                                   gcp_port(deps.settings, deps.engine), capital_notifier(deps.settings),
                                   deps.settings.capital_admin_recipients)
    _schedule_at_start(deps)
    return WorkerBundle(
        task_queue=queues.CAPITAL,
        workflows=[ExperimentWorkflow, CostRollupWorkflow, WeeklySummaryWorkflow, SpendRefreshWorkflow],
        activities=[activities.apply_transition, activities.raise_alert, activities.rollup_costs,
                    activities.weekly_summary],
    )
