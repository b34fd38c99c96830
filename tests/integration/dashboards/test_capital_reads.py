"""The capital page's set-based read says what the per-experiment arithmetic (the governor's) says."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.lifecycle import Action
from infra.db import capital_entities
from infra.db.read_models import capital
from tests.helpers.capital import make_world
from tests.helpers.capital_scenario import transition_at

pytestmark = pytest.mark.integration


async def test_cap_use_for_every_campaign_matches_each_experiment(api: httpx.AsyncClient, keys,
                                                                  engine: AsyncEngine) -> None:
    world = await make_world(api, keys)
    now = datetime.now(UTC)
    running = await world.experiment(capital_cap_usd="2000", time_cap_days="10", tranche_size_usd="500")
    paused = await world.experiment(capital_cap_usd="3000", time_cap_days="20", tranche_size_usd="1000")
    idle = await world.experiment()
    await transition_at(engine, paused, Action.START, now - timedelta(days=6))
    await transition_at(engine, paused, Action.PAUSE, now - timedelta(days=3))
    await transition_at(engine, running, Action.START, now - timedelta(days=2))
    async with engine.begin() as conn:
        for exp, usd, ago in ((running, "850.50", 1), (running, "900", 0), (paused, "1200", 4)):
            await conn.execute(text("INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd) "
                                    "VALUES (:d, :c, :e, 'labor', :usd)"),
                               {"d": (now - timedelta(days=ago)).date(), "c": uuid.UUID(world.campaign_id),
                                "e": uuid.UUID(exp), "usd": Decimal(usd)})
    async with engine.connect() as conn:
        [campaign] = await capital.campaigns_with_experiments(conn, now, 86400)
        one_by_one = [await capital.cap_use(conn, await capital_entities.get_experiment(conn, uuid.UUID(e)), now,
                                            86400) for e in (running, paused, idle)]
    assert [u.model_dump(exclude={"experiment"}) for u in campaign["experiments"]] == \
        [u.model_dump(exclude={"experiment"}) for u in one_by_one]
    use = {str(u.experiment.id): u for u in campaign["experiments"]}
    assert use[running].spend_usd == Decimal("1750.50") and use[running].capital_fraction == pytest.approx(0.87525)
    assert use[paused].running_days == Decimal(3) and use[paused].time_fraction == pytest.approx(0.15)
    assert use[idle].spend_usd == 0 and use[idle].running_days == 0
