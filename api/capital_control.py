"""How the API reaches an experiment's workflow: start it if needed (from the DB's truth), then update it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError
from temporalio.workflow import UpdateMethodMultiParam

from api.state import AppState
from domain.capital.lifecycle import FINAL, Caps, wall_seconds
from domain.capital.messages import (
    ExperimentInput,
    SpendPoke,
    SpendRefreshInput,
    experiment_workflow_id,
    spend_refresh_workflow_id,
)
from domain.errors import Conflict, Unavailable
from infra.db import capital_entities, capital_lifecycle
from infra.db.tenants import get_tenant
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.search_attributes import KIND, STATUS, TENANT_ID
from infra.temporal.signals import signal_name
from workflows.experiment import ExperimentWorkflow
from workflows.spend_refresh import SpendRefreshWorkflow

log = logging.getLogger(__name__)
A = TypeVar("A")
R = TypeVar("R")


async def _input(engine: AsyncEngine, experiment_id: UUID, settings: Settings, now: datetime
                 ) -> tuple[ExperimentInput, UUID]:
    async with engine.connect() as conn:
        experiment = await capital_entities.get_experiment(conn, experiment_id)
        if experiment.status in FINAL:
            raise Conflict(f"experiment is {experiment.status.value} and immutable", code="experiment_final")
        spend = await capital_lifecycle.experiment_spend(conn, experiment_id)
        runs = await capital_lifecycle.runs(conn, experiment_id)
        tenant = await get_tenant(conn, experiment.tenant_id)
    zone = tenant.timezone if tenant else None
    seconds = sum(wall_seconds(r["started_at"], r["stopped_at"] or now, zone, settings.capital_day_seconds)
                  for r in runs)
    return ExperimentInput(
        experiment_id=experiment_id, status=experiment.status, pause_reason=experiment.pause_reason,
        caps=Caps(capital_cap_usd=experiment.capital_cap_usd, time_cap_days=experiment.time_cap_days,
                  tranche_size_usd=experiment.tranche_size_usd),
        spend_usd=Decimal(spend), running_seconds=seconds, day_seconds=settings.capital_day_seconds,
        timezone=zone,
    ), experiment.tenant_id


async def poke_spend(client: Client, settings: Settings, tenant_ids: Iterable[UUID], reason: str) -> None:
    """Tell each tenant's spend refresh that something that costs was just ingested (signal-with-start).

    Best effort: the ingestion has committed; if Temporal does not answer, the spend poll catches up.
    """
    for tenant_id in sorted(set(tenant_ids)):
        try:
            await client.start_workflow(
                SpendRefreshWorkflow.run, SpendRefreshInput(tenant_id=tenant_id),
                id=spend_refresh_workflow_id(tenant_id), task_queue=settings.queue(queues.CAPITAL),
                start_signal=signal_name(SpendRefreshWorkflow.poke), start_signal_args=[SpendPoke(reason=reason)],
                rpc_timeout=timedelta(seconds=5))
        except (TimeoutError, RPCError, WorkflowAlreadyStartedError) as error:
            log.warning("spend refresh for tenant %s not poked (%s); the spend poll will catch up", tenant_id, error)


async def poke_spend_soon(state: AppState, tenant_ids: Iterable[UUID], reason: str) -> None:
    """`poke_spend` as a background task after the ingestion's answer (Temporal being down costs nothing)."""
    try:
        client = await state.temporal.get()
    except Unavailable as error:
        log.warning("spend refresh not poked (%s); the spend poll will catch up", error)
        return
    await poke_spend(client, state.settings, tenant_ids, reason)


async def send_update(engine: AsyncEngine, client: Client, settings: Settings, now: datetime, experiment_id: UUID,
                      update: UpdateMethodMultiParam[[ExperimentWorkflow, A], R], arg: A) -> R:
    """Deliver an admin update (started from the database's truth if needed); refusals map in api/errors.py."""
    data, tenant_id = await _input(engine, experiment_id, settings, now)
    handle = await client.start_workflow(
        ExperimentWorkflow.run, data, id=experiment_workflow_id(experiment_id),
        task_queue=settings.queue(queues.CAPITAL), id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=TypedSearchAttributes([SearchAttributePair(TENANT_ID, str(tenant_id)),
                                                 SearchAttributePair(KIND, "experiment"),
                                                 SearchAttributePair(STATUS, data.status.value)]))
    return await handle.execute_update(update, arg,
                                       rpc_timeout=timedelta(seconds=settings.capital_update_timeout_seconds))
