"""Capital's workflow, update, signal and activity payloads, and its workflow ids (one home for all of them).

The API, the workflows and the activities import these from here; none of them defines its own.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from domain.capital.lifecycle import Action, Caps, EvaluationFacts, Governor
from domain.capital.models import ExperimentStatus, PauseReason

# --- ExperimentWorkflow: its input, admin updates, the spend signal and the state query --------------


class ExperimentInput(BaseModel):
    """What an experiment's governor starts from: the database's truth when the workflow is (re)started."""

    experiment_id: UUID
    status: ExperimentStatus
    pause_reason: PauseReason | None = None
    caps: Caps
    spend_usd: Decimal = Decimal(0)
    running_seconds: float = 0.0
    day_seconds: float = 86400.0
    timezone: str | None = None  # the tenant's: its days are the time cap's days


class AdminCommand(BaseModel):
    """An admin's lifecycle request (start, pause, complete, terminate, request an evaluation)."""

    actor: str


class OverrideRequest(BaseModel):
    """Resume a stop-loss pause under the caps of an evaluation whose verdict is continue."""

    actor: str
    evaluation_id: UUID
    rationale: str
    evaluation: EvaluationFacts | None = None


class SpendUpdate(BaseModel):
    """The experiment's total spend so far (absolute, from a rollup); `as_of` orders updates that race."""

    spend_usd: Decimal
    as_of: datetime | None = None


class ExperimentState(BaseModel):
    """What the governor holds right now."""

    status: ExperimentStatus
    pause_reason: PauseReason | None
    governor: Governor
    stop_loss_at: datetime | None


# --- the experiment's activities -----------------------------------------------------------------------


class TransitionCommand(BaseModel):
    """One lifecycle step, applied idempotently (transition_id) in one transaction."""

    transition_id: str
    experiment_id: UUID
    action: Action
    at: datetime
    actor: str
    caps: Caps | None = None
    evaluation_id: UUID | None = None
    rationale: str | None = None


class TransitionResult(BaseModel):
    """The experiment's status after a step, and the running interval it opened or closed."""

    status: ExperimentStatus
    pause_reason: PauseReason | None
    at: datetime
    run_started_at: datetime | None = None
    run_stopped_at: datetime | None = None


class AlertCommand(BaseModel):
    """Raise one interrupt alert (once per experiment, kind and caps epoch)."""

    experiment_id: UUID
    kind: str
    cap_epoch: int
    detail: dict[str, Any]
    at: datetime


# --- CostRollupWorkflow and WeeklySummaryWorkflow ----------------------------------------------------


class RollupInput(BaseModel):
    """Which day to roll up: a date (each tenant's day of that date), or None: each tenant's last closed day,
    as the daily schedule runs it (or, `live`, each tenant's day so far, as the spend poll runs it).
    """

    day: date | None = None
    tenant_id: UUID | None = None
    live: bool = False


class RollupCommand(BaseModel):
    """Roll up one day's costs per tenant (its own calendar day), all tenants or one."""

    day: date | None
    at: datetime
    tenant_id: UUID | None = None
    live: bool = False


class RollupResult(BaseModel):
    """A rollup: the day asked for (None: per tenant), each tenant's day, each live experiment's total spend."""

    day: date | None
    spend_by_experiment: dict[UUID, Decimal]
    days: dict[UUID, date] = {}
    refused: int = 0
    as_of: datetime | None = None


class SpendRefreshInput(BaseModel):
    """Whose spend to refresh now: one tenant's day so far."""

    tenant_id: UUID


class SpendPoke(BaseModel):
    """Something that costs money was just ingested for the tenant (calls, hours, a bonus)."""

    reason: str = ""


class WeeklyInput(BaseModel):
    """Which ISO week to summarise; None is the previous week, as the weekly schedule runs it."""

    week: str | None = None


class WeeklyCommand(BaseModel):
    """Build and store one week's summary."""

    week: str
    at: datetime


# --- workflow and schedule ids ---------------------------------------------------------------------------


def experiment_workflow_id(experiment_id: UUID) -> str:
    """The id of an experiment's governing workflow: one per experiment."""
    return f"experiment-{experiment_id}"


def spend_refresh_workflow_id(tenant_id: UUID) -> str:
    """The tenant's live spend refresh: one at a time per tenant; pokes while it runs make it go once more."""
    return f"capital-spend-{tenant_id}"


def spend_poll_schedule_id(queue_suffix: str) -> str:
    """The schedule that polls provider usage for every tenant's day so far."""
    return f"capital-spend-poll{queue_suffix}"


def manual_rollup_workflow_id(day: date) -> str:
    """The id of an admin's rollup of `day` (a rerun of a day reuses it)."""
    return f"capital-rollup-{day}-manual"


def rollup_schedule_id(queue_suffix: str) -> str:
    """The daily cost rollup's schedule (a test's queue suffix keeps its schedule apart)."""
    return f"capital-cost-rollup{queue_suffix}"


def weekly_schedule_id(queue_suffix: str) -> str:
    """The weekly summary's schedule."""
    return f"capital-weekly-summary{queue_suffix}"


def scheduled_run_id(schedule_id: str) -> str:
    """The workflow id a schedule starts its runs with (Temporal appends each run's scheduled time)."""
    return f"{schedule_id}-run"
