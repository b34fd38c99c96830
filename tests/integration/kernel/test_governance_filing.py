"""The real governed-change path: kernel actions become governance issues, and drafts for the founder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from activities.kernel import KernelActivities
from activities.kernel_issues import GovernanceIssueFiler, KernelIssue, RecordingIssueFiler
from domain.capabilities import KERNEL_POLICY
from domain.kernel.messages import RunKernelCycle
from infra.db.kernel_facts import CapitalCampaigns
from infra.db.kernel_store import get_cycle, latest_policy
from infra.settings import Settings
from infra.temporal.kernel_schedule import run_manual_cycle
from tests.helpers.kernel_facts import POLICY, make_tenant, seed_facts
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle
from workers.kernel import kernel_bundle

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
    async with worker(kernel_bundle):
        result = await run_manual_cycle(temporal_client, settings, tenant, source="test")
    assert result.filing is not None and result.filing.governance_available
    assert result.filing.filed and not result.filing.recorded_only
    async with engine.connect() as conn:
        ids = (await conn.execute(text("SELECT external_id FROM issues WHERE source = 'ops_alert' AND tenant_id = :t"),
                                  {"t": tenant})).scalars().all()
    assert sorted(ids) == sorted(result.filing.filed)


async def _register(api: httpx.AsyncClient, keys: Any) -> None:
    created = await api.post("/v1/capabilities", json={"name": KERNEL_POLICY}, headers=keys.headers("admin"))
    assert created.status_code == 201, created.text


async def test_kernel_action_on_an_executed_capability_waits_for_the_founder_as_a_draft(
    worker: Any, api: httpx.AsyncClient, keys: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    """The kernel recommends, humans approve: more daily budget into a channel is a kernel.policy change."""
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await _register(api, keys)
    action: dict[str, Any] = {"action_id": "scale_top_channel@paid_search", "type": "scale",
                              "owner_subsystem": "campaigns", "notes_for_humans": "Shift 20% more daily budget.",
                              "target_entity": {"type": "channel", "id": "paid_search"},
                              "proposed_change": {"field": "daily_budget_multiplier", "current_value": 1.0,
                                                  "new_value": 1.2}}
    filer = GovernanceIssueFiler(engine, temporal_client, settings)
    async with worker(governance_bundle):
        filed = await filer.file(KernelIssue(tenant_id=str(tenant), cycle_id="c-1", action=action, policy=POLICY),
                                 now)

        async def drafts_of_the_issue() -> list[dict[str, Any]]:
            listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
            return [c for c in listed.json()["items"] if str(c["issue_id"]) == filed.issue_id]
        drafts = await until(drafts_of_the_issue, every=0.1)  # the kernel's action became a draft contract
    expected = [{"capability": KERNEL_POLICY, "target": str(tenant), "key": "guardrails.max_daily_spend",
                 "value": 2400.0}]
    assert drafts[0]["proposed_changes"]["changes"] == expected


@pytest.mark.slow
async def test_an_approved_kernel_action_changes_what_the_next_cycle_plans_with(
    worker: Any, api: httpx.AsyncClient, keys: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    """A kernel cycle -> an ops_alert issue -> a DRAFT -> the founder approves -> the kernel policy changed
    through the kernel's own store, the kernel's next cycle judged healthy -> the cycle after plans with it."""
    settings.governance_activation_delay_seconds = 0.2
    settings.governance_observation_window_seconds = 0.3
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    await _register(api, keys)
    async with worker(kernel_bundle, governance_bundle):
        result = await run_manual_cycle(temporal_client, settings, tenant, source="test")
        assert result.filing is not None
        scaled = next(x for x in result.filing.filed if "scale_top_channel" in x)

        async def drafted() -> str | None:
            async with engine.connect() as conn:
                row = (await conn.execute(text("SELECT contract_id FROM issues WHERE external_id = :x"),
                                          {"x": scaled})).scalar_one_or_none()
            return str(row) if row else None
        cid = await until(drafted, timeout=20)
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200, r.text

        async def completed() -> dict[str, Any] | None:
            body = (await api.get(f"/v1/contracts/{cid}", headers=keys.headers("founder"))).json()
            return body if body["status"] in ("COMPLETED", "FAILED") else None
        done = await until(completed, timeout=30)
    assert done["status"] == "COMPLETED", done["timeline"][-3:]
    signal = next(e for e in done["timeline"] if e["type"] == "health.evaluated")["payload"]["signals"][0]
    assert signal["status"] == "HEALTHY" and signal["evidence"]["after"]["figures"]["next_cycle"] == "runs"
    async with engine.connect() as conn:
        policy = await latest_policy(conn, tenant)
    assert policy is not None and policy["guardrails"]["max_daily_spend"] == 2400
    # the next stored cycle (past the 12-hour rule) plans with the approved guardrail
    later = datetime.now(UTC) + timedelta(hours=13)
    acts = KernelActivities(engine, CapitalCampaigns(), RecordingIssueFiler())
    outcome = await ActivityEnvironment().run(acts.run_cycle, RunKernelCycle(
        tenant_id=tenant, cycle_id=uuid.uuid4(), trigger_type="manual", source="test", now=later, window_days=30))
    assert outcome.status == "completed"
    async with engine.connect() as conn:
        stored = await get_cycle(conn, outcome.cycle_id)
    assert stored is not None and stored.input["guardrails"]["max_daily_spend"] == 2400
