"""A tenant's policy over HTTP creates its daily Schedule; a manual cycle over HTTP runs the workflow."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, ScheduleOverlapPolicy

from domain.kernel.messages import daily_schedule_id
from infra.settings import Settings
from tests.helpers.kernel_facts import POLICY, make_tenant, seed_facts
from workers.kernel import kernel_bundle

pytestmark = pytest.mark.integration


async def test_policy_creates_the_daily_schedule(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, temporal_client: Client
) -> None:
    tenant = await make_tenant(engine, datetime.now(UTC))
    url = f"/v1/kernel/tenants/{tenant}/policy"
    assert (await api.put(url, json=POLICY, headers=keys.headers("service"))).status_code == 403
    bad = {**POLICY, "cfo_guardrails": {"cash_risk_tolerance": "low"}}
    assert (await api.put(url, json=bad, headers=keys.headers("admin"))).status_code == 422
    missing = await api.put(f"/v1/kernel/tenants/{uuid.uuid4()}/policy", json=POLICY, headers=keys.headers("admin"))
    assert missing.status_code == 404
    response = await api.put(url, json=POLICY, headers=keys.headers("founder"))
    assert response.status_code == 200 and response.json()["schedule_id"] == daily_schedule_id(tenant)
    handle = temporal_client.get_schedule_handle(daily_schedule_id(tenant))
    try:
        described = await handle.describe()
        assert described.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
        assert described.schedule.spec.intervals[0].every == timedelta(days=1)
        again = await api.put(url, json=POLICY, headers=keys.headers("admin"))
        assert again.status_code == 200, "a second policy updates the same schedule"
    finally:
        await handle.delete()


@pytest.mark.slow
async def test_manual_cycle_over_http(worker: Any, api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    async with worker(kernel_bundle):
        first = await api.post(f"/v1/kernel/tenants/{tenant}/cycles", headers=keys.headers("service"))
        second = await api.post(f"/v1/kernel/tenants/{tenant}/cycles", headers=keys.headers("admin"))
    assert first.status_code == 200 and first.json()["version"] == "revenue_os_v1.1"
    assert second.status_code == 429 and second.json()["code"] == "CYCLE_TOO_RECENT"
    stored = await api.get(f"/v1/kernel/cycles/{first.json()['cycle_id']}", headers=keys.headers("founder"))
    assert stored.json()["output"] == first.json()


async def test_manual_cycle_without_a_worker_answers_202_with_the_workflow_id(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, temporal_client: Client
) -> None:
    tenant = await make_tenant(engine, datetime.now(UTC))
    settings.kernel_manual_wait_seconds = 0.5
    response = await api.post(f"/v1/kernel/tenants/{tenant}/cycles", headers=keys.headers("service"))
    assert response.status_code == 202 and response.json()["status"] == "running"
    await temporal_client.get_workflow_handle(response.json()["workflow_id"]).terminate("test over")
