"""TenantOnboardingWorkflow end to end: real Postgres, Temporal and voice worker, smoke calls spoken by piper and
heard by the worker's STT, one per covering path, open and closed; activation only when every one passed.
"""

from __future__ import annotations

import json
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.objectives import compile_document, covering_paths
from infra.db import tenant_configs
from tests.helpers.onboarding import ESCALATION, OPTIONAL_CAPTURES, create_tenant, document, follow, stages, upload
from tests.helpers.voice_worker import FAST, VoiceFactory, stored_events
from voice_runtime.testing.sim_caller import Hangup, WaitForAgent
from voice_runtime.transfer import LocalTransfer
from workers.onboarding import onboarding_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.e2e]
TUNING = {**FAST, "voice_end_of_turn_silence_ms": 500}


async def test_a_default_shaped_graph_onboards_through_smoke_calls_and_serves_the_next_call(
    api: httpx.AsyncClient, keys, engine: AsyncEngine, worker, voice_worker: VoiceFactory, piper, pocketsphinx,
    temporal_client: Client
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    uploaded = await upload(api, ops, tenant, document(objectives=OPTIONAL_CAPTURES))
    paths = covering_paths(compile_document(uploaded["document"]).graph).paths
    assert [p.business_open for p in paths] == [True, False]
    async with worker(onboarding_bundle), voice_worker(pocketsphinx, piper, **TUNING) as voice:
        started = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": 1}, headers=ops)
        assert started.status_code == 202, started.text
        workflow_id = started.json()["workflow_id"]
        again = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": 1}, headers=ops)
        assert again.status_code == 409 and again.json()["code"] == "onboarding_in_progress"
        progress = await follow(api, ops, workflow_id)
        smoke = next(s for s in progress["stages"] if s["stage"] == "smoke")
        assert progress["status"] == "active", json.dumps(smoke["detail"]["failures"], indent=1)
        states = stages(progress)
        assert states.pop("stress") == "skipped"  # no personas in these tests (tests/integration/stress has them)
        assert set(states.values()) == {"passed"} and all(s["seconds"] is not None for s in progress["stages"])
        assert smoke["detail"]["paths"] == smoke["detail"]["passed"] == 2
        assert [(c["business_open"], c["terminal"]) for c in smoke["detail"]["calls"]] == [(True, "end"),
                                                                                          (False, "end")]
        bind = next(s for s in progress["stages"] if s["stage"] == "bind")["detail"]
        assert bind["numbers"][0]["routing"] == "bound" and bind["numbers"][0]["provider"] == "local"
        caller = await voice.place_call(None)
        await caller.run([WaitForAgent(), Hangup()], max_seconds=30)
        events = await stored_events(engine, caller.call_sid)
    assert events[0].payload["config_version"] == 1 and not events[0].payload["smoke"]
    assert events[0].payload["config_hash"] == uploaded["hash"]
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=ops)).json()
    assert listed["active_version"] == 1 and listed["versions"][0]["smoke_passed"]
    found = [w async for w in temporal_client.list_workflows(
        f'tenant_id = "{tenant}" AND kind = "onboarding" AND status = "active"')]
    assert [w.id for w in found] == [workflow_id]


async def test_a_failing_smoke_call_stops_before_activation_with_the_path_and_the_stream(
    api: httpx.AsyncClient, keys, engine: AsyncEngine, worker, voice_worker: VoiceFactory, piper, pocketsphinx
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, document())  # name and phone required: a failed one escalates to a person
    unreachable = LocalTransfer(unreachable={ESCALATION})  # who cannot be reached
    async with worker(onboarding_bundle), voice_worker(pocketsphinx, piper, smoke_transfer=unreachable, **TUNING):
        started = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": 1}, headers=ops)
        progress = await follow(api, ops, started.json()["workflow_id"])
    assert progress["status"] == "failed" and "smoke calls failed" in progress["failure"]
    assert stages(progress) == {"validate": "passed", "compile": "passed", "pin": "passed", "bind": "passed",
                                "smoke": "failed", "stress": "skipped", "activate": "skipped"}
    detail = next(s for s in progress["stages"] if s["stage"] == "smoke")["detail"]
    assert detail["paths"] == 4 and detail["passed"] == 2  # the two escalation paths fail, open and closed
    for failure in detail["failures"]:
        assert failure["expected"] == [{"objective": "name", "kind": "failed", "value": None}]
        assert failure["expected_terminal"] == f"transfer to {ESCALATION}" and failure["problems"]
        assert failure["actual_terminal"] != failure["expected_terminal"] and failure["actual"]
        assert failure["stream"].startswith("call:CA") and any(t.startswith("agent:") for t in failure["transcript"])
    async with engine.connect() as conn:
        assert await tenant_configs.active_version(conn, UUID(tenant)) is None
        assert await tenant_configs.smoke_passed_versions(conn, UUID(tenant)) == set()
    refused = await api.post(f"/v1/tenants/{tenant}/configs/1/activate", headers=ops)
    assert refused.status_code == 409 and refused.json()["code"] == "config_not_smoke_tested"
