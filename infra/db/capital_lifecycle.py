"""Experiment transitions with their running-interval history, alerts, evaluations and overrides."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.costs import DEFAULT_TIMEZONE, local_day
from domain.capital.lifecycle import FINAL, Action, Caps, EvaluationFacts, transition
from domain.capital.messages import TransitionCommand, TransitionResult
from domain.capital.models import (
    CampaignStatus,
    Evaluation,
    EvaluationCreate,
    ExperimentStatus,
    PauseReason,
)
from domain.errors import Conflict, NotFound
from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.capital_entities import get_campaign, get_experiment
from infra.db.tables_capital import capital_alerts, evaluations, experiment_runs, experiments, overrides
from infra.db.violations import refusing


async def _already_applied(conn: AsyncConnection, command: TransitionCommand) -> bool:
    found = await conn.execute(text("SELECT 1 FROM events WHERE stream = :s AND payload->>'transition_id' = :t"),
                               {"s": stream_name("experiment", command.experiment_id), "t": command.transition_id})
    return found.first() is not None


async def _tenant_day(conn: AsyncConnection, tenant_id: UUID, at: datetime) -> date:
    """The tenant's calendar date at `at` (experiments' start and end dates are the tenant's dates)."""
    zone = (await conn.execute(text("SELECT timezone FROM tenants WHERE id = :t"), {"t": tenant_id})).scalar()
    return local_day(at, str(zone or DEFAULT_TIMEZONE))


async def _open_run(conn: AsyncConnection, experiment_id: UUID, campaign_id: UUID, at: datetime, day: date) -> None:
    running = Conflict("another experiment is already running in this campaign; only one may run",
                       code="experiment_already_running")
    with refusing({"uq_experiments_one_running": running, "uq_experiment_runs_one_open": running}):
        async with conn.begin_nested():
            await conn.execute(update(experiments).where(experiments.c.id == experiment_id).values(
                status=ExperimentStatus.RUNNING.value, pause_reason=None,
                start_date=text("COALESCE(start_date, CAST(:d AS date))").bindparams(d=day)))
            await conn.execute(insert(experiment_runs).values(experiment_id=experiment_id, campaign_id=campaign_id,
                                                              started_at=at))


async def _close_run(conn: AsyncConnection, experiment_id: UUID, at: datetime) -> None:
    await conn.execute(update(experiment_runs).where(experiment_runs.c.experiment_id == experiment_id,
                                                     experiment_runs.c.stopped_at.is_(None)).values(stopped_at=at))


def _stop_values(action: Action, target: ExperimentStatus, at: datetime, day: date) -> dict[str, Any]:
    values: dict[str, Any] = {"status": target.value, "pause_reason": None}
    if target is ExperimentStatus.PAUSED:
        values["pause_reason"] = (PauseReason.STOP_LOSS if action is Action.STOP_LOSS else PauseReason.MANUAL).value
    if action is Action.STOP_LOSS:
        values["evaluation_recommended_at"] = at
    if target in FINAL:
        values["end_date"] = day
    return values


async def apply_transition(conn: AsyncConnection, command: TransitionCommand) -> TransitionResult:
    """Check the move (domain rule), write status and run history, append the event: all or nothing."""
    experiment = await get_experiment(conn, command.experiment_id, lock=True)
    if await _already_applied(conn, command):
        return TransitionResult(status=experiment.status, pause_reason=experiment.pause_reason, at=command.at)
    target = transition(experiment.status, experiment.pause_reason, command.action)
    result = TransitionResult(status=target, pause_reason=None, at=command.at)
    if target is ExperimentStatus.RUNNING:
        campaign = await get_campaign(conn, experiment.campaign_id)
        if campaign.status is not CampaignStatus.ACTIVE:
            raise Conflict(f"campaign is {campaign.status.value}; experiments run only in an active campaign",
                           code="campaign_not_active")
        if command.caps is not None:
            await conn.execute(update(experiments).where(experiments.c.id == experiment.id)
                               .values(**command.caps.model_dump()))
        await _open_run(conn, experiment.id, experiment.campaign_id, command.at,
                        await _tenant_day(conn, experiment.tenant_id, command.at))
        result.run_started_at = command.at
    else:
        if experiment.status is ExperimentStatus.RUNNING:
            await _close_run(conn, experiment.id, command.at)
            result.run_stopped_at = command.at
        values = _stop_values(command.action, target, command.at,
                              await _tenant_day(conn, experiment.tenant_id, command.at))
        await conn.execute(update(experiments).where(experiments.c.id == experiment.id).values(**values))
        result.pause_reason = PauseReason(values["pause_reason"]) if values["pause_reason"] else None
    if command.action is Action.OVERRIDE:
        await _insert_override(conn, command)
    payload = {**command.model_dump(mode="json"), "from": experiment.status.value, "to": target.value}
    await event_store.append(conn, stream_name("experiment", experiment.id),
                             [NewEvent(type=f"capital.experiment_{command.action.value}", payload=payload,
                                       occurred_at=command.at)], tenant_id=experiment.tenant_id)
    return result


async def _insert_override(conn: AsyncConnection, command: TransitionCommand) -> None:
    if command.evaluation_id is None or not command.rationale:
        raise Conflict("an override needs a rationale and an evaluation", code="override_requires_evaluation")
    await conn.execute(insert(overrides).values(
        id=uuid.uuid4(), experiment_id=command.experiment_id, evaluation_id=command.evaluation_id,
        rationale=command.rationale, created_at=command.at, admin_principal_id=UUID(command.actor)))


async def record_alert(conn: AsyncConnection, experiment_id: UUID, kind: str, cap_epoch: int,
                       detail: dict[str, Any], at: datetime) -> bool:
    """Raise an alert once per (experiment, kind, caps epoch); False when it was already raised."""
    result = await conn.execute(text(
        "INSERT INTO capital_alerts (experiment_id, kind, cap_epoch, detail, raised_at) "
        "VALUES (:e, :k, :c, CAST(:d AS jsonb), :at) "
        "ON CONFLICT (experiment_id, kind, cap_epoch) WHERE kind <> 'evaluation_requested' DO NOTHING "
        "RETURNING id"), {"e": experiment_id, "k": kind, "c": cap_epoch, "d": _json(detail), "at": at})
    return result.first() is not None


def _json(value: dict[str, Any]) -> str:
    import json

    return json.dumps(value, default=str)


async def list_alerts(conn: AsyncConnection, experiment_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.execute(select(capital_alerts).where(capital_alerts.c.experiment_id == experiment_id)
                              .order_by(capital_alerts.c.id))
    return [dict(r._mapping) for r in rows]


async def flag_evaluation(conn: AsyncConnection, experiment_id: UUID, at: datetime) -> None:
    """The manual evaluation trigger: raise the flag (it clears when an evaluation is recorded)."""
    experiment = await get_experiment(conn, experiment_id, lock=True)
    if experiment.status in FINAL:
        raise Conflict(f"experiment is {experiment.status.value}", code="experiment_final")
    await conn.execute(update(experiments).where(experiments.c.id == experiment_id)
                       .values(evaluation_recommended_at=at))


async def create_evaluation(conn: AsyncConnection, experiment_id: UUID, body: EvaluationCreate, principal_id: UUID,
                            now: datetime) -> Evaluation:
    """Record a human judgment; it changes nothing else (evaluations trigger no automation)."""
    experiment = await get_experiment(conn, experiment_id)
    evaluation = Evaluation(id=uuid.uuid4(), experiment_id=experiment_id, created_at=now, **body.model_dump())
    await conn.execute(insert(evaluations).values(**evaluation.model_dump(), admin_principal_id=principal_id))
    await event_store.append(conn, stream_name("experiment", experiment_id),
                             [NewEvent(type="capital.evaluation_recorded", payload=evaluation.model_dump(mode="json"),
                                       occurred_at=now)], tenant_id=experiment.tenant_id)
    return evaluation


async def evaluation_facts(conn: AsyncConnection, evaluation_id: UUID) -> EvaluationFacts | None:
    row = (await conn.execute(select(evaluations).where(evaluations.c.id == evaluation_id))).one_or_none()
    if row is None:
        return None
    m = row._mapping
    return EvaluationFacts(experiment_id=str(m["experiment_id"]), verdict=m["verdict"], created_at=m["created_at"],
                           caps=Caps(capital_cap_usd=m["capital_cap_usd"], time_cap_days=m["time_cap_days"],
                                     tranche_size_usd=m["tranche_size_usd"]))


async def list_evaluations(conn: AsyncConnection, experiment_id: UUID) -> list[Evaluation]:
    rows = await conn.execute(select(evaluations).where(evaluations.c.experiment_id == experiment_id)
                              .order_by(evaluations.c.created_at))
    return [Evaluation.model_validate(dict(r._mapping)) for r in rows]


async def runs(conn: AsyncConnection, experiment_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.execute(select(experiment_runs).where(experiment_runs.c.experiment_id == experiment_id)
                              .order_by(experiment_runs.c.started_at))
    return [dict(r._mapping) for r in rows]


async def experiment_spend(conn: AsyncConnection, experiment_id: UUID) -> Decimal:
    value = await conn.execute(text("SELECT COALESCE(SUM(cost_usd), 0) FROM cost_rollups WHERE experiment_id = :e"),
                               {"e": experiment_id})
    return Decimal(value.scalar_one())


async def experiment_name(conn: AsyncConnection, experiment_id: UUID) -> str:
    name = (await conn.execute(select(experiments.c.name).where(experiments.c.id == experiment_id))).scalar()
    return str(name or experiment_id)


async def require_experiment(conn: AsyncConnection, experiment_id: UUID) -> None:
    if (await conn.execute(select(experiments.c.id).where(experiments.c.id == experiment_id))).first() is None:
        raise NotFound(f"experiment {experiment_id} does not exist", code="experiment_not_found")
