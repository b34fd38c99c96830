"""How the API reaches an experiment's workflow: start it if needed (from the DB's truth), then update it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from api.state import TemporalUnavailable
from domain.capital.lifecycle import FINAL, Caps
from domain.errors import Conflict
from infra.db import capital_entities, capital_lifecycle
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.search_attributes import KIND, STATUS, TENANT_ID
from workflows.cost_rollup import experiment_workflow_id
from workflows.experiment import ExperimentInput, ExperimentWorkflow


async def _input(engine: AsyncEngine, experiment_id: UUID, settings: Settings, now: datetime
                 ) -> tuple[ExperimentInput, UUID]:
    async with engine.connect() as conn:
        experiment = await capital_entities.get_experiment(conn, experiment_id)
        if experiment.status in FINAL:
            raise Conflict(f"experiment is {experiment.status.value} and immutable", code="experiment_final")
        spend = await capital_lifecycle.experiment_spend(conn, experiment_id)
        runs = await capital_lifecycle.runs(conn, experiment_id)
    seconds = sum(((r["stopped_at"] or now) - r["started_at"]).total_seconds() for r in runs)
    return ExperimentInput(
        experiment_id=experiment_id, status=experiment.status, pause_reason=experiment.pause_reason,
        caps=Caps(capital_cap_usd=experiment.capital_cap_usd, time_cap_days=experiment.time_cap_days,
                  tranche_size_usd=experiment.tranche_size_usd),
        spend_usd=Decimal(spend), running_seconds=seconds, day_seconds=settings.capital_day_seconds,
    ), experiment.tenant_id


async def send_update(engine: AsyncEngine, client: Client, settings: Settings, now: datetime, experiment_id: UUID,
                      update: str, arg: Any, result_type: type) -> Any:
    """Deliver an admin update; a refusal (validator or handler) becomes a 409 with its reason and code."""
    data, tenant_id = await _input(engine, experiment_id, settings, now)
    try:
        handle = await client.start_workflow(
            ExperimentWorkflow.run, data, id=experiment_workflow_id(experiment_id),
            task_queue=settings.queue(queues.CAPITAL), id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes([SearchAttributePair(TENANT_ID, str(tenant_id)),
                                                     SearchAttributePair(KIND, "experiment"),
                                                     SearchAttributePair(STATUS, data.status.value)]))
        return await handle.execute_update(update, arg, result_type=result_type,
                                           rpc_timeout=timedelta(seconds=settings.capital_update_timeout_seconds))
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError):
            raise Conflict(cause.message, code=cause.type or "refused") from error
        raise Conflict(str(cause or error), code="refused") from error
    except RPCError as error:
        raise TemporalUnavailable(f"the experiment's workflow did not answer: {error}") from error
