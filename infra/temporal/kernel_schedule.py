"""Kernel cycle starts: the per-tenant daily Schedule (overlap SKIP), manual runs and deviation runs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
    WorkflowHandle,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.kernel.messages import (
    KernelCycleInput,
    KernelCycleResult,
    daily_schedule_id,
    deviation_cycle_workflow_id,
    deviation_source,
    manual_cycle_workflow_id,
    scheduled_cycle_workflow_id,
)
from domain.kernel.types import TriggerType
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.search_attributes import KIND, TENANT_ID
from workflows.kernel_cycle import KernelCycleWorkflow


def cycle_input(settings: Settings, tenant_id: UUID, trigger: TriggerType, source: str) -> KernelCycleInput:
    return KernelCycleInput(tenant_id=tenant_id, trigger_type=trigger, source=source,
                            window_days=settings.kernel_analysis_window_days,
                            activity_timeout_seconds=settings.kernel_activity_timeout_seconds)


def _attributes(tenant_id: UUID) -> TypedSearchAttributes:
    return TypedSearchAttributes([SearchAttributePair(TENANT_ID, str(tenant_id)),
                                  SearchAttributePair(KIND, "kernel_cycle")])


def daily_schedule(settings: Settings, tenant_id: UUID) -> Schedule:
    every = timedelta(seconds=settings.kernel_schedule_every_seconds)
    offset = timedelta(seconds=settings.kernel_schedule_offset_seconds % settings.kernel_schedule_every_seconds)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            KernelCycleWorkflow.run, cycle_input(settings, tenant_id, "scheduled", "cron_daily"),
            id=scheduled_cycle_workflow_id(tenant_id), task_queue=settings.queue(queues.KERNEL),
            typed_search_attributes=_attributes(tenant_id)),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every, offset=offset)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_daily_schedule(client: Client, settings: Settings, tenant_id: UUID) -> str:
    """Create the tenant's schedule, or bring an existing one up to the current settings."""
    sid = daily_schedule_id(tenant_id)
    schedule = daily_schedule(settings, tenant_id)
    try:
        await client.create_schedule(sid, schedule)
    except ScheduleAlreadyRunningError:
        def update(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(sid).update(update)
    return sid


async def start_manual_cycle(client: Client, settings: Settings, tenant_id: UUID,
                             source: str) -> WorkflowHandle[Any, KernelCycleResult]:
    """Start a manual cycle; the handle's result() is the KernelCycleResult."""
    return await client.start_workflow(
        KernelCycleWorkflow.run, cycle_input(settings, tenant_id, "manual", source),
        id=manual_cycle_workflow_id(tenant_id, uuid.uuid4().hex[:12]), task_queue=settings.queue(queues.KERNEL),
        search_attributes=_attributes(tenant_id))


async def run_manual_cycle(client: Client, settings: Settings, tenant_id: UUID, source: str) -> KernelCycleResult:
    """Start a manual cycle and wait for its result."""
    return await (await start_manual_cycle(client, settings, tenant_id, source)).result()


async def start_deviation_cycle(client: Client, settings: Settings, tenant_id: UUID, key: str) -> str | None:
    """Start a cycle for a deviation; one workflow per (tenant, deviation key), later repeats are ignored."""
    wid = deviation_cycle_workflow_id(tenant_id, key)
    try:
        await client.start_workflow(
            KernelCycleWorkflow.run, cycle_input(settings, tenant_id, "metric_deviation", deviation_source(key)),
            id=wid, task_queue=settings.queue(queues.KERNEL), search_attributes=_attributes(tenant_id),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        return None
    return wid
