"""Executors act through their owner domain's own commands: capital's campaign rules hold for governed change too."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.capabilities import CAPITAL_CAMPAIGN
from tests.helpers.capital import make_world
from tests.helpers.governance import (
    approve,
    change_payload,
    drafted,
    events,
    file_issue,
    reaches,
    register,
    state,
    verdict,
)
from tests.helpers.polling import until
from workers.capital import capital_bundle
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


def _campaign_change(campaign: str, key: str, value: object) -> dict[str, object]:
    return change_payload(campaign, value, key=key, capability=CAPITAL_CAMPAIGN)


async def test_a_campaign_budget_changes_through_capital(api, keys, worker, engine) -> None:
    world = await make_world(api, keys)
    await register(api, keys, CAPITAL_CAMPAIGN)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, _campaign_change(world.campaign_id, "budget_usd", 20000))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "COMPLETED")
    campaign = (await api.get(f"/v1/campaigns/{world.campaign_id}", headers=keys.headers("admin"))).json()
    assert float(campaign["capital_budget_usd"]) == 20000
    signal = events(done, "health.evaluated")[0]["payload"]["signals"][0]
    assert signal["status"] == "HEALTHY" and signal["evidence"]["after"]["figures"]["budget_usd"] == 20000
    async with engine.connect() as conn:  # capital recorded its own event: the change went through capital
        types = (await conn.execute(text("SELECT type FROM events WHERE stream = :s ORDER BY seq"),
                                    {"s": f"campaign:{world.campaign_id}"})).scalars().all()
    assert "capital.campaign_budget_changed" in types


async def test_capital_refuses_pausing_a_campaign_with_a_running_experiment(api, keys, worker) -> None:
    world = await make_world(api, keys)
    await register(api, keys, CAPITAL_CAMPAIGN)
    async with worker(capital_bundle, governance_bundle):
        experiment = await world.experiment()
        await world.post(f"/v1/experiments/{experiment}/start", expect=200)

        async def running() -> bool:
            r = await api.get(f"/v1/experiments/{experiment}", headers=keys.headers("admin"))
            return bool(r.json()["status"] == "running")
        await until(running)
        filed = await file_issue(api, keys, _campaign_change(world.campaign_id, "status", "paused"))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "FAILED")
    finished = events(done, "job.finished")[0]["payload"]
    assert finished["status"] == "FAILED" and "experiment is running" in finished["error"]
    assert verdict(done)["verdict"] == "FAIL"
    assert (await state(api, keys, world.campaign_id, CAPITAL_CAMPAIGN))["status"] == "active"
