"""Every input rule and error code of the unit table, over HTTP, with the API's clock pinned to the table's NOW."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from domain.tenants import Tenant
from infra.db.kernel_store import execute_cycle
from infra.db.tenants import create_tenant
from infra.settings import Settings
from tests.helpers.kernel_payloads import NOW, TENANT, payload
from tests.helpers.kernel_rules import CASES

pytestmark = pytest.mark.integration


@pytest.fixture
async def pinned_api(settings: Settings, engine: AsyncEngine,
                     temporal_env: WorkflowEnvironment) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default", temporal_env.client))
    app.state.revos.clock = lambda: NOW
    async with engine.begin() as conn:
        await create_tenant(conn, Tenant(id=uuid.UUID(TENANT), name="Pinned"), NOW)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(("case", "body", "kwargs", "code", "status", "text"), CASES, ids=[c[0] for c in CASES])
async def test_rule_over_http(pinned_api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, case: str,
                              body: dict[str, Any], kwargs: dict[str, Any], code: str, status: int, text: str) -> None:
    if kwargs.get("tenant_exists") is False:
        body = {**body, "tenant_id": str(uuid.uuid4())}
    if "last_cycle_at" in kwargs:  # a completed cycle stored at that time
        async with engine.begin() as conn:
            await execute_cycle(conn, payload(at=kwargs["last_cycle_at"]), cycle_id=uuid.uuid4(),
                                now=kwargs["last_cycle_at"])
    response = await pinned_api.post("/v1/kernel/cycles", json=body, headers=keys.headers("service"))
    assert response.status_code == status, response.text
    assert response.json()["code"] == code and text in response.json()["message"]
    assert response.json()["details"]["cycle_id"]
