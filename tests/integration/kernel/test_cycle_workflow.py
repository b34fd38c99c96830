"""KernelCycleWorkflow on the real Temporal dev server: scheduled, manual and deviation-triggered cycles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, ScheduleOverlapPolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain.kernel.messages import daily_schedule_id, deviation_source
from domain.kernel.outputs import KernelOutput
from infra.db.event_store import EventStore
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.kernel_schedule import cycle_input, ensure_daily_schedule, run_manual_cycle
from tests.helpers.kernel_facts import cycles, make_tenant, seed_facts
from tests.helpers.polling import until
from workers.kernel import kernel_bundle
from workflows.kernel_cycle import KernelCycleWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_scheduled_cycle_stores_output_and_next_trigger_is_too_recent(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    fast = settings.model_copy(update={"kernel_schedule_every_seconds": 2.0, "kernel_schedule_offset_seconds": 0})
    async with worker(kernel_bundle):
        sid = await ensure_daily_schedule(temporal_client, fast, tenant)
        try:
            described = await temporal_client.get_schedule_handle(sid).describe()
            assert described.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP

            async def two_runs() -> bool:
                return len(await cycles(engine, tenant)) >= 2
            await until(two_runs, timeout=30, every=0.3)
        finally:
            await temporal_client.get_schedule_handle(sid).delete()
        rows = await cycles(engine, tenant)
        assert rows[0]["status"] == "completed" and rows[0]["trigger_type"] == "scheduled"
        output = KernelOutput.model_validate(rows[0]["output"])
        assert output.tenant_id == str(tenant) and 1 <= len(output.actions) <= 7
        assert rows[0]["input"]["metrics"] and rows[0]["input"]["trigger"]["source"] == "cron_daily"
        assert (rows[1]["status"], rows[1]["error_code"]) == ("error", "CYCLE_TOO_RECENT")
        manual = await run_manual_cycle(temporal_client, settings, tenant, source="test")
    assert manual.cycle.code == "CYCLE_TOO_RECENT" and manual.cycle.http_status == 429
    assert sid == daily_schedule_id(tenant)


async def test_manual_cycle_files_or_records_every_governed_action(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    async with worker(kernel_bundle):
        result = await run_manual_cycle(temporal_client, settings, tenant, source="test")
    assert result.cycle.status == "completed", result.cycle.result
    assert result.filing is not None
    events = await EventStore(engine).read(f"kernel:{tenant}")
    recommended = [e for e in events if e.type in ("kernel.action_recommended", "kernel.action_filed")]
    filed_ids = result.filing.filed + result.filing.recorded_only
    assert sorted(e.payload["external_id"] for e in recommended) == sorted(filed_ids)
    assert all(i.startswith(f"{result.cycle.cycle_id}:") for i in filed_ids)
    output = KernelOutput.model_validate(result.cycle.result)
    governed = {a.action_id for a in output.actions if a.type != "experiment" or a.owner_subsystem == "pricing"
                or (a.guardrails.max_additional_spend or 0) > 0}
    assert {i.split(":", 1)[1] for i in filed_ids} == governed


async def test_cycle_without_policy_is_invalid_input_naming_the_missing_fields(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now, policy=False)
    async with worker(kernel_bundle):
        result = await run_manual_cycle(temporal_client, settings, tenant, source="test")
    assert result.cycle.code == "INVALID_INPUT" and result.cycle.http_status == 400
    assert "cfo_guardrails" in result.cycle.result["message"]


async def test_metric_deviation_starts_a_cycle(
    worker: Any, api: httpx.AsyncClient, keys: Any, settings: Settings, engine: AsyncEngine
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    today = now.date().isoformat()
    async with worker(kernel_bundle):
        calm = await api.post("/v1/metrics", headers=keys.headers("service"), json={
            "tenant_id": str(tenant), "metrics": [{"metric_id": "bookings_new", "value": 96_000, "date": today}]})
        assert calm.json()["deviations"] == [] and calm.json()["started_cycles"] == []
        jump = await api.post("/v1/metrics", headers=keys.headers("service"), json={
            "tenant_id": str(tenant), "metrics": [{"metric_id": "pipeline_total", "value": 150_000, "date": today}]})
        assert jump.status_code == 201
        assert jump.json()["deviations"][0]["deviation_pct"] == pytest.approx(50.0)
        assert len(jump.json()["started_cycles"]) == 1

        async def stored() -> bool:
            return any(r["trigger_type"] == "metric_deviation" for r in await cycles(engine, tenant))
        await until(stored, timeout=30, every=0.3)
    row = next(r for r in await cycles(engine, tenant) if r["trigger_type"] == "metric_deviation")
    assert row["status"] == "completed"
    assert row["input"]["trigger"]["source"].startswith(deviation_source("pipeline_total"))


async def test_campaigns_come_from_capital_tables_when_present(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    campaign = uuid.uuid4()
    product = uuid.uuid4()
    async with engine.begin() as conn:  # the capital domain's own migrated tables
        await conn.execute(text("INSERT INTO products (id, tenant_id, name) VALUES (:id, :t, 'Calculator')"),
                           {"id": product, "t": tenant})
        await conn.execute(text("INSERT INTO campaigns (id, tenant_id, product_id, name, owner_user_id, status, "
                                "capital_budget_usd, start_date) VALUES (:id, :t, :p, 'Search', 'owner', 'active', "
                                "5000, :d)"),
                           {"id": campaign, "t": tenant, "p": product, "d": now.date() - timedelta(days=40)})
        await conn.execute(text("INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd) "
                                "VALUES (:d, :c, NULL, 'twilio', 1200.50), (:d, :c, NULL, 'gcp', 300)"),
                           {"d": now.date(), "c": campaign})
    async with worker(kernel_bundle):
        await run_manual_cycle(temporal_client, settings, tenant, source="test")
    stored = (await cycles(engine, tenant))[0]["input"]["campaigns"]
    assert stored == [{"id": str(campaign), "name": "Search", "status": "active", "objective": "unspecified",
                       "budget_total": 5000.0, "budget_spent": 1500.5,
                       "start_date": (now.date() - timedelta(days=40)).isoformat()}]


async def test_workflow_history_replays_deterministically(
    worker: Any, settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    await seed_facts(engine, tenant, now)
    wid = f"kernel-replay-{uuid.uuid4().hex[:8]}"
    async with worker(kernel_bundle):
        await temporal_client.execute_workflow(
            KernelCycleWorkflow.run, cycle_input(settings, tenant, "manual", "replay-test"), id=wid,
            task_queue=settings.queue(queues.KERNEL))
    history = await temporal_client.get_workflow_handle(wid).fetch_history()
    await Replayer(workflows=[KernelCycleWorkflow], data_converter=pydantic_data_converter).replay_workflow(history)


async def test_recorded_action_results_feed_back_into_stored_cycles(
    worker: Any, api: httpx.AsyncClient, keys: Any, settings: Settings, engine: AsyncEngine,
    temporal_client: Client
) -> None:
    now = datetime.now(UTC)
    plain, learned = await make_tenant(engine, now), await make_tenant(engine, now)
    for tenant in (plain, learned):
        await seed_facts(engine, tenant, now)
    async with worker(kernel_bundle):
        first = await run_manual_cycle(temporal_client, settings, plain, "t")
        before = KernelOutput.model_validate(first.cycle.result)
        top = before.actions[0]
        failure = {"action_id": top.action_id, "target_metric": top.target_metric, "baseline_value": 100,
                   "observed_value": 90, "delta": -10, "confidence": 1.0, "outcome": "failed"}
        recorded = await api.post("/v1/kernel/action-results", headers=keys.headers("service"),
                                  json={"tenant_id": str(learned), "results": [failure, failure]})
        assert recorded.status_code == 201
        second = await run_manual_cycle(temporal_client, settings, learned, "t")
        after = KernelOutput.model_validate(second.cycle.result)
    same = next((a for a in after.actions if a.action_id == top.action_id), None)
    assert same is None or same.expected_impact.confidence < top.expected_impact.confidence
    assert after.actions[0].action_id != top.action_id
    stored = await cycles(engine, learned)
    assert stored[0]["input"]["recent_action_results"] == [failure, failure]
