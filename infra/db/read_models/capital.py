"""Queries for the admin's capital dashboard: campaigns with their experiments, spend and running time against
the caps, and an experiment's overrides."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.lifecycle import Caps, Governor
from domain.capital.models import Experiment
from infra.db import capital_entities, capital_lifecycle
from infra.db.tables import tenants
from infra.db.tables_capital import campaigns, cost_rollups, experiment_runs, experiments, overrides, products


class CapUse(BaseModel):
    """An experiment's spend and running days against its current caps."""

    experiment: Experiment
    spend_usd: Decimal
    running_days: Decimal
    capital_fraction: float
    time_fraction: float


def cap_use_of(experiment: Experiment, spend: Decimal, runs: list[dict[str, Any]], now: datetime,
               day_seconds: float) -> CapUse:
    """Spend and running days against the caps: the governor's own arithmetic over the running intervals."""
    closed = sum((r["stopped_at"] - r["started_at"]).total_seconds() for r in runs if r["stopped_at"] is not None)
    open_run = next((r["started_at"] for r in runs if r["stopped_at"] is None), None)
    caps = Caps(capital_cap_usd=experiment.capital_cap_usd, time_cap_days=experiment.time_cap_days,
                tranche_size_usd=experiment.tranche_size_usd)
    days = Governor(caps=caps, spend_usd=spend, running_seconds=closed, run_started_at=open_run
                    ).running_days(now, day_seconds)
    return CapUse(experiment=experiment, spend_usd=spend, running_days=days,
                  capital_fraction=float(spend / caps.capital_cap_usd), time_fraction=float(days / caps.time_cap_days))


async def cap_use(conn: AsyncConnection, experiment: Experiment, now: datetime, day_seconds: float) -> CapUse:
    """One experiment's spend (the cost rollups) and running time (its intervals) against its caps."""
    spend = await capital_lifecycle.experiment_spend(conn, experiment.id)
    return cap_use_of(experiment, spend, await capital_lifecycle.runs(conn, experiment.id), now, day_seconds)


async def campaigns_with_experiments(conn: AsyncConnection, now: datetime, day_seconds: float
                                     ) -> list[dict[str, Any]]:
    """Every campaign (with its product and tenant) and its experiments' cap use, newest campaign first.

    Four queries whatever the number of experiments: campaigns, experiments, their spend, their intervals.
    """
    query = (select(campaigns, products.c.name.label("product_name"), tenants.c.name.label("tenant_name"))
             .join(products, products.c.id == campaigns.c.product_id)
             .join(tenants, tenants.c.id == campaigns.c.tenant_id)
             .order_by(campaigns.c.created_at.desc()))
    out = [dict(r) for r in (await conn.execute(query)).mappings()]
    found = [Experiment.model_validate(dict(r)) for r in (await conn.execute(
        select(experiments, capital_entities.EVALUATION_RECOMMENDED).order_by(experiments.c.created_at))).mappings()]
    spend = {r.experiment_id: Decimal(r.spend) for r in await conn.execute(
        select(cost_rollups.c.experiment_id, func.sum(cost_rollups.c.cost_usd).label("spend"))
        .where(cost_rollups.c.experiment_id.is_not(None)).group_by(cost_rollups.c.experiment_id))}
    runs: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for r in (await conn.execute(select(experiment_runs).order_by(experiment_runs.c.started_at))).mappings():
        runs[r["experiment_id"]].append(dict(r))
    by_campaign: dict[UUID, list[CapUse]] = defaultdict(list)
    for e in found:
        by_campaign[e.campaign_id].append(cap_use_of(e, spend.get(e.id, Decimal(0)), runs[e.id], now, day_seconds))
    for campaign in out:
        campaign["experiments"] = by_campaign[campaign["id"]]
    return out


async def overrides_of(conn: AsyncConnection, experiment_id: UUID) -> list[dict[str, Any]]:
    query = select(overrides).where(overrides.c.experiment_id == experiment_id).order_by(overrides.c.created_at)
    return [dict(r) for r in (await conn.execute(query)).mappings()]
