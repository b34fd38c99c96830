"""The real governed-change path: kernel actions become governance issues, and drafts for the founder."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from activities.kernel_issues import GovernanceIssueFiler, KernelIssue
from infra.settings import Settings
from infra.temporal.kernel_schedule import run_manual_cycle
from tests.integration.kernel.helpers import make_tenant, seed_facts

pytestmark = pytest.mark.integration


async def test_kernel_action_is_filed_once_as_an_ops_alert_issue(
    settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    filer = GovernanceIssueFiler(engine, temporal_client, settings)
    assert filer.available
    action: dict[str, Any] = {"action_id": "discount_guardrail", "type": "config_change", "owner_subsystem": "pricing",
                              "notes_for_humans": "Cap discretionary discounts at 10% without approval.",
                              "proposed_change": {"field": "max_discount_pct", "current_value": "unknown",
                                                  "new_value": 10}}
    issue = KernelIssue(tenant_id=str(tenant), cycle_id="11111111-2222-3333-4444-555555555555", action=action)
    first = await filer.file(issue, now)
    again = await filer.file(issue, now)
    assert first.issue_id == again.issue_id
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT source, tenant_id FROM issues WHERE external_id = :x"),
                                   {"x": issue.external_id})).all()
    assert [(r.source, r.tenant_id) for r in rows] == [("ops_alert", tenant)]


@pytest.mark.slow
async def test_workflow_files_every_governed_action_into_governance(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    async with worker("workers.kernel:kernel_bundle"):
        result = await run_manual_cycle(temporal_client, settings, tenant, source="test")
    assert result.filing is not None and result.filing.governance_available
    assert result.filing.filed and not result.filing.recorded_only
    async with engine.connect() as conn:
        ids = (await conn.execute(text("SELECT external_id FROM issues WHERE source = 'ops_alert' AND tenant_id = :t"),
                                  {"t": tenant})).scalars().all()
    assert sorted(ids) == sorted(result.filing.filed)


async def test_kernel_action_on_a_registered_capability_waits_for_the_founder_as_a_draft(
    worker: Any, api: httpx.AsyncClient, keys: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    """The kernel recommends, humans approve: a registered capability turns the action into a DRAFT contract."""
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    created = await api.post("/v1/capabilities", json={"name": "pricing", "initial_state": {"max_discount_pct": 20}},
                             headers=keys.headers("admin"))
    assert created.status_code == 201, created.text
    action: dict[str, Any] = {"action_id": "discount_cap", "type": "config_change", "owner_subsystem": "pricing",
                              "notes_for_humans": "Cap discounts.",
                              "proposed_change": {"field": "max_discount_pct", "current_value": 20, "new_value": 10}}
    filer = GovernanceIssueFiler(engine, temporal_client, settings)
    async with worker("workers.governance_worker:governance_bundle"):
        filed = await filer.file(KernelIssue(tenant_id=str(tenant), cycle_id="c-1", action=action), now)
        drafts: list[dict[str, Any]] = []
        for _ in range(100):
            listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
            drafts = [c for c in listed.json()["items"] if str(c["issue_id"]) == filed.issue_id]
            if drafts:
                break
            await asyncio.sleep(0.1)
    assert drafts, "the kernel's action did not become a draft contract"
    expected = [{"capability": "pricing", "key": "max_discount_pct", "value": 10}]
    assert drafts[0]["proposed_changes"]["changes"] == expected
