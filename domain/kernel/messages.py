"""The kernel cycle's workflow and activity payloads and its workflow ids (their one home; safe inside workflows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from domain.kernel.types import TriggerType


class KernelCycleInput(BaseModel):
    """Start one cycle for a tenant from stored data."""

    tenant_id: UUID
    trigger_type: TriggerType = "scheduled"
    source: str = "cron_daily"
    window_days: int = 30
    activity_timeout_seconds: float = 60.0


class RunKernelCycle(BaseModel):
    """Build, run and store one cycle (one transaction)."""

    tenant_id: UUID
    cycle_id: UUID
    trigger_type: TriggerType
    source: str
    now: datetime
    window_days: int


class CycleOutcome(BaseModel):
    """A stored cycle's result: the KernelOutput or KernelError body and its HTTP status."""

    cycle_id: UUID
    status: str
    code: str | None = None
    http_status: int = 200
    result: dict[str, Any]


class FileKernelActions(BaseModel):
    """File a cycle's governed actions for human approval."""

    tenant_id: UUID
    cycle_id: UUID
    actions: list[dict[str, Any]]
    now: datetime


class FilingOutcome(BaseModel):
    """What was filed into governance and what was only recorded."""

    governance_available: bool
    filed: list[str]
    recorded_only: list[str]


class KernelCycleResult(BaseModel):
    """The workflow's result."""

    cycle: CycleOutcome
    filing: FilingOutcome | None = None


def daily_schedule_id(tenant_id: UUID) -> str:
    """The tenant's daily cycle schedule."""
    return f"kernel-daily-{tenant_id}"


def scheduled_cycle_workflow_id(tenant_id: UUID) -> str:
    """The workflow id the daily schedule starts its cycles with."""
    return f"kernel-scheduled-{tenant_id}"


def manual_cycle_workflow_id(tenant_id: UUID, token: str) -> str:
    """A manual cycle's workflow id; `token` makes each manual run its own workflow."""
    return f"kernel-manual-{tenant_id}-{token}"


def deviation_cycle_workflow_id(tenant_id: UUID, key: str) -> str:
    """One cycle per (tenant, deviation key): a repeated deviation starts nothing new."""
    return f"kernel-deviation-{tenant_id}-{key}"


def deviation_source(key: str) -> str:
    """The trigger source a deviation cycle records: which metric alert started it."""
    return f"metric_alert:{key}"
