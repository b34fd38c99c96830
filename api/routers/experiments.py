"""Experiments: lifecycle as admin updates to their workflow, evaluations, overrides and signals."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, status
from temporalio.workflow import UpdateMethodMultiParam

from api.capital_control import send_update
from api.deps import AdminDep, EngineDep, NowDep, StateDep, TemporalDep, require
from domain.auth import Principal, Role
from domain.capital import signals
from domain.capital.messages import AdminCommand, OverrideRequest, TransitionResult
from domain.capital.models import Evaluation, EvaluationCreate, Experiment, ExperimentCreate, OverrideCreate
from infra.db import capital_entities, capital_lifecycle, capital_reports
from workflows.experiment import ExperimentWorkflow

router = APIRouter(prefix="/v1/experiments", tags=["capital: experiments"])
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(body: ExperimentCreate, _: AdminDep, engine: EngineDep, now: NowDep) -> Experiment:
    """Create a planned experiment (a conversion hypothesis) with its caps and bonus rules."""
    async with engine.begin() as conn:
        return await capital_entities.create_experiment(conn, body, now)


@router.get("")
async def list_(_: ReaderDep, engine: EngineDep, campaign_id: UUID | None = None) -> list[Experiment]:
    """Experiments, optionally of one campaign."""
    async with engine.connect() as conn:
        return await capital_entities.list_experiments(conn, campaign_id)


@router.get("/{experiment_id}")
async def read(experiment_id: UUID, _: ReaderDep, engine: EngineDep) -> dict[str, Any]:
    """One experiment with its running-interval history and its interrupt alerts."""
    async with engine.connect() as conn:
        experiment = await capital_entities.get_experiment(conn, experiment_id)
        return {**experiment.model_dump(mode="json"),
                "runs": await capital_lifecycle.runs(conn, experiment_id),
                "alerts": await capital_lifecycle.list_alerts(conn, experiment_id),
                "spend_usd": await capital_lifecycle.experiment_spend(conn, experiment_id)}


AdminUpdate = UpdateMethodMultiParam[[ExperimentWorkflow, AdminCommand], TransitionResult]


async def _lifecycle(update: AdminUpdate, experiment_id: UUID, principal: Principal, state: StateDep,
                     client: TemporalDep, now: NowDep) -> TransitionResult:
    return await send_update(state.engine, client, state.settings, now, experiment_id, update,
                             AdminCommand(actor=str(principal.id)))


@router.post("/{experiment_id}/start")
async def start(experiment_id: UUID, p: AdminDep, state: StateDep, client: TemporalDep, now: NowDep
                ) -> TransitionResult:
    """planned (or manually paused) -> running; 409 with the reason if refused (e.g. another is running)."""
    return await _lifecycle(ExperimentWorkflow.start, experiment_id, p, state, client, now)


@router.post("/{experiment_id}/pause")
async def pause(experiment_id: UUID, p: AdminDep, state: StateDep, client: TemporalDep, now: NowDep
                ) -> TransitionResult:
    """running -> paused (manual); attribution stops at this instant."""
    return await _lifecycle(ExperimentWorkflow.pause, experiment_id, p, state, client, now)


@router.post("/{experiment_id}/complete")
async def complete(experiment_id: UUID, p: AdminDep, state: StateDep, client: TemporalDep, now: NowDep
                   ) -> TransitionResult:
    """running/paused -> completed (immutable from then on)."""
    return await _lifecycle(ExperimentWorkflow.complete, experiment_id, p, state, client, now)


@router.post("/{experiment_id}/terminate")
async def terminate(experiment_id: UUID, p: AdminDep, state: StateDep, client: TemporalDep, now: NowDep
                    ) -> TransitionResult:
    """planned/running/paused -> terminated (immutable from then on)."""
    return await _lifecycle(ExperimentWorkflow.terminate, experiment_id, p, state, client, now)


@router.post("/{experiment_id}/evaluation-trigger")
async def trigger_evaluation(experiment_id: UUID, p: AdminDep, state: StateDep, client: TemporalDep, now: NowDep
                             ) -> dict[str, bool]:
    """The manual evaluation trigger: raises the interrupt alert and the "evaluation recommended" flag."""
    raised = await send_update(state.engine, client, state.settings, now, experiment_id,
                               ExperimentWorkflow.request_evaluation, AdminCommand(actor=str(p.id)))
    return {"evaluation_recommended": True, "alert_raised": raised}


@router.post("/{experiment_id}/evaluations", status_code=status.HTTP_201_CREATED)
async def evaluate(experiment_id: UUID, body: EvaluationCreate, p: AdminDep, engine: EngineDep, now: NowDep
                   ) -> Evaluation:
    """Record a human judgment (immutable; it triggers no automation)."""
    async with engine.begin() as conn:
        return await capital_lifecycle.create_evaluation(conn, experiment_id, body, p.id, now)


@router.get("/{experiment_id}/evaluations")
async def evaluations(experiment_id: UUID, _: ReaderDep, engine: EngineDep) -> list[Evaluation]:
    """An experiment's evaluations, oldest first."""
    async with engine.connect() as conn:
        await capital_lifecycle.require_experiment(conn, experiment_id)
        return await capital_lifecycle.list_evaluations(conn, experiment_id)


@router.post("/{experiment_id}/override")
async def override(experiment_id: UUID, body: OverrideCreate, p: AdminDep, state: StateDep, client: TemporalDep,
                   now: NowDep) -> TransitionResult:
    """The override doctrine: resume a stop-loss pause, with a rationale, tied to an evaluation, timestamped."""
    async with state.engine.connect() as conn:
        facts = await capital_lifecycle.evaluation_facts(conn, body.evaluation_id)
    request = OverrideRequest(actor=str(p.id), evaluation_id=body.evaluation_id, rationale=body.rationale,
                              evaluation=facts)
    return await send_update(state.engine, client, state.settings, now, experiment_id, ExperimentWorkflow.override,
                             request)


@router.get("/{experiment_id}/signals")
async def read_signals(experiment_id: UUID, _: ReaderDep, engine: EngineDep) -> signals.ExperimentSignals:
    """Burn-normalized signals: installs per $1k, paid per $2k, their trend per tranche. No verdict."""
    async with engine.connect() as conn:
        experiment = await capital_entities.get_experiment(conn, experiment_id)
        points = await capital_reports.daily_points(conn, experiment_id)
        counts = await capital_reports.event_counts(conn, experiment_id)
    return signals.interpret(signals.compute(points, experiment.tranche_size_usd),
                             experiment.primary_success_event.value, experiment.denominator_event.value, counts)
