"""SIGKILL the real Temporal worker process in the middle of each domain's workflow, start a new one, and
every workflow completes with each of its steps applied once. (The governed-change contract job's case is
tests/integration/governance/test_crash.py, on the same helper.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.lifecycle import Action
from infra.db.event_store import EventStore
from tests.helpers.capital import World
from tests.helpers.capital_scenario import instant, transition_at
from tests.helpers.kernel_facts import cycles, make_tenant, seed_facts
from tests.helpers.polling import until
from tests.helpers.worker_process import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DAY = date(2026, 10, 5)


async def _experiment(world: World, exp: str) -> dict[str, Any]:
    return dict((await world.api.get(f"/v1/experiments/{exp}", headers=world.h())).json())


async def test_experiment_governor_killed_while_its_timers_run(world: World, workers: WorkerProcess,
                                                               engine: AsyncEngine) -> None:
    """The time-cap timers fire while no worker lives: the new one raises each alert once, stops once."""
    exp = await world.experiment(time_cap_days="3")
    workers.start()
    await world.post(f"/v1/experiments/{exp}/start", expect=200)
    workers.kill()  # right after the start: its 80%, 90% and 100% marks are 2.4, 2.7 and 3 s away
    await asyncio.sleep(3.5)
    workers.start()
    body = await until(lambda: _experiment(world, exp), accept=lambda b: b["status"] == "paused", timeout=60,
                       every=0.2)
    assert [a["kind"] for a in body["alerts"]] == ["time_80", "time_90", "stop_loss_time"]
    assert len(body["runs"]) == 1 and body["runs"][0]["stopped_at"] is not None
    events = await EventStore(engine).read(f"experiment:{exp}")
    assert [e.type for e in events] == ["capital.experiment_created", "capital.experiment_start",
                                        "capital.experiment_stop_loss"]


async def _rows(engine: AsyncEngine, day: date) -> dict[tuple[str | None, str], Decimal]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT experiment_id::text, source, cost_usd FROM cost_rollups "
                                       "WHERE date = :d"), {"d": day})
        return {(r[0], r[1]): Decimal(r[2]) for r in rows}


async def test_cost_rollup_killed_mid_run(world: World, workers: WorkerProcess, engine: AsyncEngine) -> None:
    exp = await world.experiment()
    await transition_at(engine, exp, Action.START, instant(DAY, 12))
    await world.post("/v1/team/hours", {"login_id": world.login_id, "day": DAY.isoformat(), "hours": "8"},
                     role="service", expect=201)  # $240 of labor, half of DAY in the experiment
    workers.start()
    rollup = asyncio.create_task(world.api.post("/v1/costs/rollups", json={"day": DAY.isoformat()},
                                                headers=world.h()))
    await asyncio.sleep(0.3)
    workers.kill()
    workers.start()
    response = await asyncio.wait_for(rollup, 60)
    assert response.status_code == 200, response.text
    assert Decimal(response.json()["spend_by_experiment"][exp]) == 120
    assert await _rows(engine, DAY) == {(exp, "labor"): Decimal(120), (None, "labor"): Decimal(120)}
    again = await world.api.post("/v1/costs/rollups", json={"day": DAY.isoformat()}, headers=world.h())
    assert again.status_code == 200 and await _rows(engine, DAY) == {(exp, "labor"): Decimal(120),
                                                                       (None, "labor"): Decimal(120)}
    state = await until(lambda: _experiment(world, exp), accept=lambda b: Decimal(b["spend_usd"]) == 120)
    assert state["status"] == "running"


async def test_kernel_cycle_killed_mid_cycle(api: httpx.AsyncClient, keys: Any, workers: WorkerProcess,
                                            engine: AsyncEngine) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    workers.start()
    cycle = asyncio.create_task(api.post(f"/v1/kernel/tenants/{tenant}/cycles", headers=keys.headers("admin")))
    await asyncio.sleep(0.5)
    workers.kill()
    workers.start()
    response = await asyncio.wait_for(cycle, 90)
    assert response.status_code in (200, 202), response.text

    async def stored() -> list[dict[str, Any]] | None:
        rows = await cycles(engine, tenant)
        return rows if rows and rows[0]["status"] == "completed" else None
    rows = await until(stored, timeout=60, every=0.3)
    assert len(rows) == 1  # one cycle stored, not one per attempt
    events = await EventStore(engine).read(f"kernel:{tenant}")
    ids = [e.payload["external_id"] for e in events if e.type in ("kernel.action_recommended", "kernel.action_filed")]
    assert ids and len(ids) == len(set(ids))  # each governed action filed once
