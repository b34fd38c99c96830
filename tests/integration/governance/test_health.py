"""Health is measured at runtime, over the observation window against the window before, and it can fail:
then the audit FAILs, the rollback restores the prior state through the executor, an incident is opened and
the founder is notified."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from domain.capabilities import CAPITAL_CAMPAIGN
from tests.helpers.capital import World, make_world
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


async def _spend(world: World, usd: int) -> None:
    """Ten hours of a login at usd/10 an hour, yesterday, rolled up by capital's own daily rollup."""
    login = await world.post("/v1/team", {"campaign_id": world.campaign_id, "email": f"x{uuid.uuid4().hex[:8]}@x.com",
                                          "person_name": "Pat", "role": "sdr", "hourly_rate_usd": str(usd // 10)},
                             expect=201)
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    await world.post("/v1/team/hours", {"login_id": login["id"], "day": day, "hours": "10"}, role="service",
                     expect=201)
    await world.post("/v1/costs/rollups", {"day": day}, expect=200)


def _budget(world: World, usd: int) -> dict[str, Any]:
    return change_payload(world.campaign_id, usd, key="budget_usd", capability=CAPITAL_CAMPAIGN)


async def _rolled_back_with_incident(engine: Any, cid: str) -> None:
    async with engine.connect() as conn:
        incident = (await conn.execute(text("SELECT details FROM incidents WHERE contract_id = :c"),
                                       {"c": cid})).scalar_one()
        notes = (await conn.execute(text("SELECT subject FROM notifications WHERE contract_id = :c"),
                                    {"c": cid})).scalars().all()
    assert incident["restored_prior_state"] is True
    assert any("rolled back" in n for n in notes)


async def test_a_budget_below_what_was_spent_fails_health_and_is_restored(api, keys, worker, engine) -> None:
    world = await make_world(api, keys)
    await register(api, keys, CAPITAL_CAMPAIGN)
    async with worker(capital_bundle, governance_bundle):
        await _spend(world, 6000)
        first = await file_issue(api, keys, _budget(world, 20000))
        await approve(api, keys, await drafted(api, keys, first["id"]))
        await reaches(api, keys, str((await api.get(f"/v1/issues/{first['id']}", headers=keys.headers("founder"))
                                      ).json()["contract_id"]), "COMPLETED")
        cut = await file_issue(api, keys, _budget(world, 5000))
        cid = await drafted(api, keys, cut["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "FAILED")
    signal = events(done, "health.evaluated")[0]["payload"]["signals"][0]
    assert signal["status"] == "UNHEALTHY" and signal["violations"] == ["campaign spend exceeds its budget"]
    assert signal["evidence"]["before"]["problems"] == []
    assert verdict(done)["verdict"] == "FAIL"
    assert (await state(api, keys, world.campaign_id, CAPITAL_CAMPAIGN))["budget_usd"] == 20000
    await _rolled_back_with_incident(engine, cid)


async def test_what_happens_during_the_observation_window_counts(api, keys, worker, engine, settings) -> None:
    """The job itself went fine; the day's costs, rolled up while health watched, broke the new budget."""
    settings.governance_observation_window_seconds = 4.0
    world = await make_world(api, keys)
    await register(api, keys, CAPITAL_CAMPAIGN)
    async with worker(capital_bundle, governance_bundle):
        filed = await file_issue(api, keys, _budget(world, 5000))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)

        async def job_done() -> bool:
            return bool(events(await _contract(api, keys, cid), "job.finished"))
        await until(job_done)
        await _spend(world, 6000)
        done = await reaches(api, keys, cid, "FAILED")
    finished = datetime.fromisoformat(events(done, "job.finished")[0]["occurred_at"])
    judged = datetime.fromisoformat(events(done, "health.evaluated")[0]["occurred_at"])
    assert judged - finished >= timedelta(seconds=4)
    assert events(done, "job.finished")[0]["payload"]["status"] == "COMPLETED"
    assert verdict(done)["verdict"] == "FAIL"
    assert (await state(api, keys, world.campaign_id, CAPITAL_CAMPAIGN))["budget_usd"] is None
    await _rolled_back_with_incident(engine, cid)


async def _contract(api: Any, keys: Any, cid: str) -> dict[str, Any]:
    return dict((await api.get(f"/v1/contracts/{cid}", headers=keys.headers("founder"))).json())
