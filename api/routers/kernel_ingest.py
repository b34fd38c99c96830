"""Ingestion of what kernel cycles read: metrics (with deviation triggers), revenue events, opportunities."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, status

from api.deps import NowDep, StateDep, TemporalDep, require
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.kernel.assembly import Deviation, deviation
from domain.kernel.ingest import ActionResultsIn, MetricsIn, OpportunitiesIn, RevenueEventsIn
from domain.kernel.inputs import MetricPoint
from infra.db.kernel_facts import (
    ingest_action_results,
    ingest_metrics,
    ingest_opportunities,
    ingest_revenue_events,
    trailing_values,
)
from infra.db.kernel_store import latest_policy, tenant_exists
from infra.settings import Settings
from infra.temporal.kernel_schedule import start_deviation_cycle

router = APIRouter(prefix="/v1", tags=["kernel ingestion"])
IngestRoles = Annotated[Principal, Depends(require(Role.SERVICE, Role.ADMIN))]


async def _require_tenant(state: StateDep, tenant_id: UUID) -> None:
    async with state.engine.connect() as conn:
        if not await tenant_exists(conn, tenant_id):
            raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")


def _latest_points(points: list[MetricPoint]) -> list[MetricPoint]:
    """Per metric, the batch's latest undimensioned point: the value a deviation is judged on."""
    latest: dict[str, MetricPoint] = {}
    for p in points:
        if not p.dimension and (p.metric_id not in latest or p.date >= latest[p.metric_id].date):
            latest[p.metric_id] = p
    return list(latest.values())


async def _deviations(state: StateDep, body: MetricsIn, settings: Settings) -> list[Deviation]:
    found: list[Deviation] = []
    async with state.engine.connect() as conn:
        for p in _latest_points(body.metrics):
            trailing = await trailing_values(conn, body.tenant_id, p.metric_id, p.date,
                                             settings.kernel_deviation_trailing_days)
            hit = deviation(p.metric_id, p.value, trailing, settings.kernel_deviation_pct,
                            settings.kernel_deviation_min_points)
            if hit:
                found.append(hit)
    return found


@router.post("/metrics", status_code=status.HTTP_201_CREATED)
async def post_metrics(body: MetricsIn, _: IngestRoles, state: StateDep, now: NowDep,
                       client: TemporalDep) -> dict[str, Any]:
    """Ingest metric points; a metric whose latest point is off its trailing mean by more than the set
    percentage (REVOS_KERNEL_DEVIATION_PCT) starts a cycle, if the tenant has a kernel policy."""
    await _require_tenant(state, body.tenant_id)
    found = await _deviations(state, body, state.settings)
    async with state.engine.begin() as conn:
        count = await ingest_metrics(conn, body.tenant_id, body.metrics, now)
        has_policy = await latest_policy(conn, body.tenant_id) is not None
    started = []
    for d in found if has_policy else []:
        wid = await start_deviation_cycle(client, state.settings, body.tenant_id, f"{d.metric_id}-{now:%Y%m%d%H}")
        if wid:
            started.append(wid)
    return {"ingested": count, "started_cycles": started,
            "deviations": [{"metric_id": d.metric_id, "value": d.value, "trailing_mean": d.trailing_mean,
                            "deviation_pct": None if d.deviation_pct == float("inf") else round(d.deviation_pct, 2)}
                           for d in found]}


@router.post("/revenue-events", status_code=status.HTTP_201_CREATED)
async def post_revenue_events(body: RevenueEventsIn, _: IngestRoles, state: StateDep, now: NowDep) -> dict[str, int]:
    """Ingest revenue events; an id already stored for the tenant is skipped."""
    await _require_tenant(state, body.tenant_id)
    async with state.engine.begin() as conn:
        count = await ingest_revenue_events(conn, body.tenant_id, body.events, now)
    return {"ingested": count, "skipped": len(body.events) - count}


@router.post("/opportunities", status_code=status.HTTP_201_CREATED)
async def post_opportunities(body: OpportunitiesIn, _: IngestRoles, state: StateDep, now: NowDep) -> dict[str, int]:
    """Ingest opportunity snapshots; the latest snapshot of an id is its current state."""
    await _require_tenant(state, body.tenant_id)
    async with state.engine.begin() as conn:
        count = await ingest_opportunities(conn, body.tenant_id, body.opportunities, now)
    return {"ingested": count}


@router.post("/kernel/action-results", status_code=status.HTTP_201_CREATED)
async def post_action_results(body: ActionResultsIn, _: IngestRoles, state: StateDep, now: NowDep) -> dict[str, int]:
    """Record measured results of executed kernel actions; the next cycles read them as recent_action_results."""
    await _require_tenant(state, body.tenant_id)
    async with state.engine.begin() as conn:
        count = await ingest_action_results(conn, body.tenant_id, body.results, now)
    return {"ingested": count}
