"""SIGKILL the real `revos worker` while an onboarding's smoke calls are on the line: a new worker finishes the run
(the call cut off is placed again, noticed by its heartbeat within seconds, not at its start-to-close timeout), and
each step lands once: one pin, one binding, one smoke verdict, one activation."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.events import stream_name
from infra.db.event_store import EventStore
from infra.db.tables_objectives import tenant_config_activations, tenant_config_smoke_results
from infra.settings import Settings
from tests.helpers.onboarding import OPTIONAL_CAPTURES, create_tenant, document, stages, upload
from tests.helpers.polling import until
from tests.helpers.voice_worker import FAST, VoiceFactory
from tests.helpers.worker_process import worker_process

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.e2e]
TUNING = {**FAST, "voice_end_of_turn_silence_ms": 500}


async def _count(engine: AsyncEngine, table: Any, tenant: str) -> int:
    async with engine.connect() as conn:
        query = select(func.count()).select_from(table).where(table.c.tenant_id == UUID(tenant))
        return int((await conn.execute(query)).scalar_one())


async def test_onboarding_killed_mid_smoke_call_finishes_with_each_step_once(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, voice_worker: VoiceFactory,
    piper: Any, pocketsphinx: Any, temporal_client: Client, tmp_path: Any
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, document(objectives=OPTIONAL_CAPTURES))
    with worker_process(settings, temporal_client.service_client.config.target_host,
                        log=tmp_path / "worker.log") as workers:
        workers.env.update({"REVOS_ONBOARDING_VOICE_URL": str(settings.onboarding_voice_url),
                            "REVOS_ONBOARDING_SMOKE_CONCURRENCY": "2", "REVOS_ONBOARDING_STRESS_PERSONAS": "none",
                            "REVOS_WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
                            "REVOS_GOVERNANCE_APPROVAL_SECRET": "tests-approval-secret"})  # the worker needs one
        async with voice_worker(pocketsphinx, piper, **TUNING) as voice:
            workers.start()
            started = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": 1}, headers=ops)
            assert started.status_code == 202, started.text
            workflow_id = started.json()["workflow_id"]

            async def on_the_line() -> bool | None:  # a smoke call is talking to the voice worker
                async with httpx.AsyncClient() as client:
                    health = (await client.get(f"{voice.base_url}/healthz")).json()
                return True if health["active_calls"] else None

            await until(on_the_line, timeout=120, every=0.1)
            await asyncio.sleep(1.0)
            workers.kill()
            workers.start()
            async def read() -> dict[str, Any] | None:  # as a client would: a 503 while no worker answers, retried
                response = await api.get(f"/v1/onboarding/{workflow_id}", headers=ops)
                if response.status_code == 503:  # the progress is a workflow query: nobody answers it mid-restart
                    assert response.headers["retry-after"] and response.json()["code"] == "temporal_unavailable"
                    return None
                assert response.status_code == 200, response.text
                return dict(response.json())

            progress = await until(read, accept=lambda p: p["status"] != "running", timeout=240, every=1.0)
    smoke = next(s for s in progress["stages"] if s["stage"] == "smoke")
    assert progress["status"] == "active", smoke["detail"]
    assert stages(progress) == {"validate": "passed", "compile": "passed", "pin": "passed", "bind": "passed",
                                "smoke": "passed", "stress": "skipped", "activate": "passed"}
    assert smoke["detail"]["paths"] == smoke["detail"]["passed"] == 2
    events = await EventStore(engine).read(stream_name("tenant", tenant))
    assert [e.type for e in events].count("config.version_pinned") == 1
    assert await _count(engine, tenant_config_smoke_results, tenant) == 1
    assert await _count(engine, tenant_config_activations, tenant) == 1
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=ops)).json()
    assert listed["active_version"] == 1
