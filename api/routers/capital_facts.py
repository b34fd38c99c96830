"""Facts in (service role): dialer calls, performance events. Cost truth: sources, rollups, bonus payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Depends, status
from pydantic import Field
from sqlalchemy import func, insert, select

from api.capital_control import poke_spend_soon
from api.deps import AdminDep, EngineDep, NowDep, StateDep, TemporalDep, require
from domain.auth import Principal, Role
from domain.capital.costs import check_share
from domain.capital.facts import DialerCallIn, PerformanceEventIn
from domain.capital.messages import RollupInput, manual_rollup_workflow_id
from domain.capital.models import Strict
from domain.errors import Conflict
from infra.db import capital_entities, capital_facts
from infra.db.tables_capital import bonuses, campaign_cost_sources, cost_rollups
from infra.db.violations import refusing
from infra.temporal import queues
from workflows.cost_rollup import CostRollupWorkflow

router = APIRouter(prefix="/v1", tags=["capital: facts and cost"])
ServiceDep = Annotated[Principal, Depends(require(Role.SERVICE))]
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]


class DialerCallBatch(Strict):
    calls: list[DialerCallIn] = Field(min_length=1, max_length=10_000)


class CostSourceIn(Strict):
    source: Literal["twilio", "gcp", "voice"]  # voice: external_key is a voice tenant id (its calls' cost lines)
    external_key: str = Field(min_length=1, max_length=200)
    # The campaign's part of the account's or project's cost, when it serves several campaigns.
    share: Decimal = Field(default=Decimal(1), gt=0, le=1, max_digits=7, decimal_places=6)


class RollupRequest(Strict):
    day: date


@router.post("/dialer/calls", status_code=status.HTTP_201_CREATED)
async def ingest_calls(body: DialerCallIn | DialerCallBatch, _: ServiceDep, state: StateDep, now: NowDep,
                       later: BackgroundTasks) -> dict[str, int]:
    """One call or a batch: canonical events derived and attributed; all or nothing; resent sids are no-ops.
    The talk time is labor: the tenant's live spend is refreshed right after."""
    calls = body.calls if isinstance(body, DialerCallBatch) else [body]
    async with state.engine.begin() as conn:
        result = await capital_facts.ingest_calls(conn, calls, now)
        tenants = await capital_facts.tenants_of_leads(conn, [c.lead_id for c in calls]) if result["inserted"] else []
    later.add_task(poke_spend_soon, state, tenants, "dialer calls")
    return result


@router.post("/performance-events", status_code=status.HTTP_201_CREATED)
async def ingest_event(body: PerformanceEventIn, _: ServiceDep, state: StateDep, now: NowDep,
                       later: BackgroundTasks) -> dict[str, Any]:
    """Install appointment scheduled/attended, calculator installed, paid conversion (idempotent by external_id).
    A bonus is earned once per lead milestone, only while the experiment runs (`bonus_refused` says why not)."""
    async with state.engine.begin() as conn:
        result = await capital_facts.ingest_event(conn, body, now)
    if result["bonus_id"] is not None:
        later.add_task(poke_spend_soon, state, [result["tenant_id"]], "bonus earned")
    return result


@router.get("/bonuses")
async def list_bonuses(experiment_id: UUID, _: ReaderDep, engine: EngineDep) -> list[dict[str, Any]]:
    """An experiment's bonuses (earned or paid)."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(bonuses).where(bonuses.c.experiment_id == experiment_id)
                                  .order_by(bonuses.c.earned_at))
        return [dict(r._mapping) for r in rows]


@router.post("/bonuses/{bonus_id}/pay")
async def pay_bonus(bonus_id: UUID, _: AdminDep, engine: EngineDep, now: NowDep) -> dict[str, Any]:
    """Pay a bonus; it is locked from then on (the database refuses any change)."""
    async with engine.begin() as conn:
        return await capital_facts.pay_bonus(conn, bonus_id, now)


@router.post("/campaigns/{campaign_id}/cost-sources", status_code=status.HTTP_201_CREATED)
async def add_cost_source(campaign_id: UUID, body: CostSourceIn, _: AdminDep, engine: EngineDep) -> dict[str, Any]:
    """Map a Twilio account sid or a GCP project id to a campaign, with the campaign's share of its cost (the
    split rule when one account serves several campaigns; the shares of one key add up to at most 1)."""
    async with engine.begin() as conn:
        await capital_entities.get_campaign(conn, campaign_id)
        taken_share = (await conn.execute(select(func.coalesce(func.sum(campaign_cost_sources.c.share), 0)).where(
            campaign_cost_sources.c.source == body.source, campaign_cost_sources.c.external_key == body.external_key,
        ))).scalar_one()
        check_share(Decimal(taken_share), body.share, body.source, body.external_key)
        taken = Conflict(f"{body.source} {body.external_key} is already mapped", code="cost_source_taken")
        with refusing({"pk_campaign_cost_sources": taken, "campaign_cost_sources_shares": taken}):
            async with conn.begin_nested():
                await conn.execute(insert(campaign_cost_sources).values(campaign_id=campaign_id, **body.model_dump()))
    return {"campaign_id": campaign_id, **body.model_dump(mode="json")}


@router.post("/costs/rollups")
async def run_rollup(body: RollupRequest, _: AdminDep, state: StateDep, client: TemporalDep) -> dict[str, Any]:
    """Run the daily rollup for one day now (the schedule runs it daily; a rerun never double counts)."""
    result = await client.execute_workflow(
        CostRollupWorkflow.run, RollupInput(day=body.day), id=manual_rollup_workflow_id(body.day),
        task_queue=state.settings.queue(queues.CAPITAL))
    return result.model_dump(mode="json")


@router.get("/costs/rollups")
async def read_rollups(_: ReaderDep, engine: EngineDep, day: date, campaign_id: UUID | None = None
                       ) -> list[dict[str, Any]]:
    """A day's rollup rows (date, campaign_id, experiment_id, source, cost_usd)."""
    query = select(cost_rollups).where(cost_rollups.c.date == day)
    if campaign_id is not None:
        query = query.where(cost_rollups.c.campaign_id == campaign_id)
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(query.order_by(cost_rollups.c.source))]


