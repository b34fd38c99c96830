"""The worker process is killed while a job is between steps; a new worker finishes the contract
with every step applied exactly once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tests.helpers.governance import (
    also,
    change_payload,
    drafted,
    file_issue,
    kernel_tenant,
    reaches,
    register,
    state,
)
from tests.helpers.polling import until
from tests.helpers.worker_process import worker_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]
GOVERNANCE_WORKER = ("workers.governance_worker",)


async def _applied(engine) -> list[int]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT s.seq FROM governance_job_steps s JOIN governance_jobs j ON j.id = s.job_id "
            "WHERE j.kind = 'execute' AND s.status = 'APPLIED' ORDER BY s.seq"))
        return [r[0] for r in rows]


async def test_worker_killed_between_steps_each_step_applied_once(api, keys, settings, engine,
                                                                 temporal_client) -> None:
    settings.governance_step_interval_seconds = 2.0
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    payload = also(also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500), tenant,
                   "cfo_guardrails.margin_floor_pct", 55)
    with worker_process(settings, temporal_client.service_client.config.target_host, GOVERNANCE_WORKER) as process:
        process.start()
        filed = await file_issue(api, keys, payload)
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200, r.text

        async def one_applied() -> bool:
            return await _applied(engine) == [1]
        await until(one_applied, timeout=20, every=0.02)
        process.kill()  # no graceful shutdown: the process just dies
        assert await _applied(engine) == [1]
        await asyncio.sleep(2.5)  # the step timer fires while no worker is alive
        process.start()
        done = await reaches(api, keys, cid, "COMPLETED", timeout=60)
    assert await _applied(engine) == [1, 2, 3]
    values = await state(api, keys, tenant)
    assert (values["targets.cac_max"], values["guardrails.max_daily_spend"],
            values["cfo_guardrails.margin_floor_pct"]) == (1500, 2500, 55)
    async with engine.connect() as conn:  # seeded, then three steps, three policy versions: none applied twice
        assert (await conn.execute(text("SELECT count(*) FROM kernel_policies"))).scalar_one() == 4
    events = await api.get("/v1/streams/capability:kernel.policy/events", headers=keys.headers("admin"))
    changed = [e["payload"]["seq"] for e in events.json()["events"] if e["type"] == "capability.changed"]
    assert changed == [1, 2, 3]
    assert [e["type"] for e in done["timeline"]].count("job.started") == 1
