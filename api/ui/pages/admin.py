"""The admin's dashboards: campaigns and experiments against their caps, an experiment's burn-normalised signals,
evaluations and overrides (recorded through the API's own handlers), the weekly summary, kernel cycles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.routers import experiments, kernel, reports
from api.ui.charts import Series
from api.ui.pages.founder import body_of
from api.ui.web import UiRoute, ViewerDep, posted_form
from domain.capital import weekly
from domain.capital.messages import experiment_workflow_id
from domain.capital.models import EvaluationCreate, EvaluationReason, OverrideCreate, Verdict
from domain.kernel.messages import daily_schedule_id
from infra.db import capital_entities, capital_reports
from infra.db.read_models import capital
from infra.db.read_models import kernel as kernel_reads

router = APIRouter(prefix="/ui/admin", route_class=UiRoute, include_in_schema=False)


@router.get("")
async def capital_page(viewer: ViewerDep) -> HTMLResponse:
    """Campaigns and their experiments: spend against the capital cap, running days against the time cap."""
    await viewer.check(experiments.list_)
    state = viewer.state
    async with state.engine.connect() as conn:
        campaigns = await capital.campaigns_with_experiments(conn, state.clock(), state.settings.capital_day_seconds)
    return viewer.render("capital.html", campaigns=campaigns, experiment_workflow_id=experiment_workflow_id)


def signal_chart(signals: Any) -> dict[str, Any]:
    tranches = signals.tranches
    labels = [f"tranche {t.index + 1}" for t in tranches]
    return {"labels": labels, "series": [
        Series("installs per $1k", [float(t.installs_per_1k) if t.installs_per_1k is not None else None
                                    for t in tranches]),
        Series("paid per $2k", [float(t.paid_per_2k) if t.paid_per_2k is not None else None for t in tranches])]}


@router.get("/experiments/{experiment_id}")
async def experiment_page(experiment_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """One experiment: caps, signals per tranche, alerts, evaluations, overrides and the forms an admin may use."""
    await viewer.check(experiments.read)
    state, engine = viewer.state, viewer.state.engine
    detail = await experiments.read(experiment_id, viewer.principal, engine)
    signals = await experiments.read_signals(experiment_id, viewer.principal, engine)
    evaluations = await experiments.evaluations(experiment_id, viewer.principal, engine)
    async with engine.connect() as conn:
        experiment = await capital_entities.get_experiment(conn, experiment_id)
        use = await capital.cap_use(conn, experiment, state.clock(), state.settings.capital_day_seconds)
        overrides = await capital.overrides_of(conn, experiment_id)
    return viewer.render("experiment.html", e=detail, use=use, signals=signals, chart=signal_chart(signals),
                         evaluations=evaluations, overrides=overrides, verdicts=list(Verdict),
                         reasons=list(EvaluationReason), workflow_id=experiment_workflow_id(experiment_id),
                         can_evaluate=viewer.can(experiments.evaluate),
                         can_trigger=viewer.can(experiments.trigger_evaluation),
                         can_override=viewer.can(experiments.override),
                         notice=viewer.request.query_params.get("notice"))


def _back(experiment_id: UUID, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/ui/admin/experiments/{experiment_id}?notice={quote(notice)}", status_code=303)


@router.post("/experiments/{experiment_id}/evaluations")
async def record_evaluation(experiment_id: UUID, viewer: ViewerDep) -> Response:
    """Record an evaluation through the API's handler (immutable; it triggers no automation)."""
    await viewer.check(experiments.evaluate)
    form = await posted_form(viewer)
    fields = ("capital_cap_usd", "time_cap_days", "tranche_size_usd", "verdict", "reason",
              "recommended_next_action", "admin_notes")
    body = body_of(EvaluationCreate, {k: form.get(k, "") for k in fields})
    evaluation = await experiments.evaluate(experiment_id, body, viewer.principal, viewer.state.engine,
                                            viewer.state.clock())
    return _back(experiment_id, f"evaluation recorded: {evaluation.verdict.value} ({evaluation.reason.value})")


@router.post("/experiments/{experiment_id}/evaluation-trigger")
async def trigger_evaluation(experiment_id: UUID, viewer: ViewerDep) -> Response:
    """The manual evaluation trigger, sent to the experiment's workflow by the API's handler."""
    await viewer.check(experiments.trigger_evaluation)
    await posted_form(viewer)
    result = await experiments.trigger_evaluation(experiment_id, viewer.principal, viewer.state,
                                                  await viewer.state.temporal.get(), viewer.state.clock())
    raised = "an alert was raised" if result["alert_raised"] else "the alert was already raised"
    return _back(experiment_id, f"evaluation requested; {raised}")


@router.post("/experiments/{experiment_id}/override")
async def override(experiment_id: UUID, viewer: ViewerDep) -> Response:
    """Resume a stop-loss pause under an evaluation, with a rationale (the API's override doctrine)."""
    await viewer.check(experiments.override)
    form = await posted_form(viewer)
    body = body_of(OverrideCreate, {"evaluation_id": form.get("evaluation_id", ""),
                                    "rationale": form.get("rationale", "")})
    result = await experiments.override(experiment_id, body, viewer.principal, viewer.state,
                                        await viewer.state.temporal.get(), viewer.state.clock())
    return _back(experiment_id, f"override applied: the experiment is {result.status.value}")


def last_closed_week(viewer: Any) -> str:
    return weekly.week_of((viewer.state.clock() - timedelta(days=7)).date())


@router.get("/weekly")
async def weekly_page(viewer: ViewerDep, week: str | None = None) -> HTMLResponse:
    """The weekly summary of a closed week (the last one unless asked)."""
    await viewer.check(reports.weekly_summary)
    chosen = week or last_closed_week(viewer)
    monday = weekly.parse_week(chosen)[0]
    closed = weekly.week_bounds_utc(chosen)[1] <= viewer.state.clock()
    async with viewer.state.engine.connect() as conn:
        summary = await capital_reports.weekly_summary(conn, chosen) if closed else None
    later = weekly.week_of(monday + timedelta(days=7))
    return viewer.render("weekly.html", week=chosen, summary=summary, closed=closed,
                         previous=weekly.week_of(monday - timedelta(days=7)),
                         next=later if weekly.week_bounds_utc(later)[1] <= viewer.state.clock() else None)


@router.get("/kernel")
async def kernel_page(viewer: ViewerDep) -> HTMLResponse:
    """Kernel cycles, newest first: binding constraint, gates, how many actions."""
    await viewer.check(kernel.read_cycle)
    async with viewer.state.engine.connect() as conn:
        cycles = await kernel_reads.recent_cycles(conn)
    return viewer.render("kernel.html", cycles=cycles, schedule_id=daily_schedule_id)


@router.get("/kernel/{cycle_id}")
async def cycle_page(cycle_id: UUID, viewer: ViewerDep) -> HTMLResponse:
    """One cycle: its summary, gates, ranked actions, data-quality actions and learning plan."""
    await viewer.check(kernel.read_cycle)
    cycle = await kernel.read_cycle(cycle_id, viewer.principal, viewer.state.engine)
    return viewer.render("cycle.html", cycle=cycle, out=cycle["output"], schedule_id=daily_schedule_id)
