"""Benchmark: wall time of onboarding, from `POST /v1/tenants/{id}/onboarding` to the version being active.

The whole system runs as in production, on this machine: embedded Postgres, the Temporal dev server, the voice
worker (`revos voice`) and the Temporal worker (`revos worker`) as their own processes with the deployment's
engines, the API in this process. The plumber example (examples/tenants/harbour-plumbing.yaml) is uploaded and
onboarded with all its smoke calls. Target here: under 3 minutes (the spec's bound is an hour).
Run: python -m benchmarks.onboarding --wall [--example harbour-plumbing.yaml]
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from benchmarks.common import migrated_database
from domain.auth import Role
from infra.db.engine import make_engine
from infra.db.principals import create_principal
from infra.settings import Settings
from infra.temporal.dev_server import temporal_binary
from infra.temporal.search_attributes import ALL

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "tenants"
TARGET_SECONDS = 180.0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "workers.cli", *argv], env=env, stdout=subprocess.DEVNULL)


async def wait_ready(url: str, timeout: float = 120) -> None:
    async with httpx.AsyncClient() as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def onboard(api: httpx.AsyncClient, auth: dict[str, str], text: str) -> tuple[float, dict[str, Any]]:
    tenant = (await api.post("/v1/tenants", json={"name": "Bench Plumbing"}, headers=auth)).json()["id"]
    stored = await api.post(f"/v1/tenants/{tenant}/configs", content=text.encode(),
                            headers={**auth, "content-type": "application/yaml"})
    assert stored.status_code == 201, stored.text
    began = time.perf_counter()
    started = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": stored.json()["version"]},
                             headers=auth)
    assert started.status_code == 202, started.text
    while True:
        progress: dict[str, Any] = (await api.get(f"/v1/onboarding/{started.json()['workflow_id']}",
                                                  headers=auth)).json()
        if progress["status"] != "running":
            return time.perf_counter() - began, progress
        await asyncio.sleep(0.5)


def report(wall: float, progress: dict[str, Any]) -> None:
    print(f"onboarding wall time (POST onboarding -> {progress['status']}): {wall:.1f} s")
    for stage in progress["stages"]:
        seconds = f"{stage['seconds']:.1f} s" if stage["seconds"] is not None else "-"
        print(f"  {stage['stage']:<9} {stage['status']:<8} {seconds}")
    smoke = next(s for s in progress["stages"] if s["stage"] == "smoke")["detail"]
    for call in smoke.get("calls", []):
        state = "open" if call["business_open"] else "closed"
        print(f"    smoke path {call['path']} ({state:<6}) {call['seconds']:6.1f} s  {call['terminal']}"
              f"  {'passed' if call['passed'] else 'FAILED'} ({call['attempts']} call{'s' * (call['attempts'] > 1)})")
    for failure in smoke.get("failures", []):
        print(f"    path {failure['path']}: {'; '.join(failure['problems'])}")
    if progress["status"] == "active":
        verdict = "met" if wall < TARGET_SECONDS else "NOT met"
        print(f"target < {TARGET_SECONDS:.0f} s to active: {verdict}")
    else:
        print(f"not active: {progress.get('failure')} (the target is time to active)")


async def run(url: str, example: str, concurrency: int) -> None:
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(),
                                                data_converter=pydantic_data_converter,
                                                search_attributes=list(ALL), dev_server_log_level="error")
    voice_port = free_port()
    settings = Settings(database_url=url, voice_port=voice_port, webhook_allow_private_hosts=True,
                        task_queue_suffix=f"-bench-{uuid.uuid4().hex[:6]}", onboarding_smoke_concurrency=concurrency)
    child_env = {**os.environ, "REVOS_DATABASE_URL": url, "REVOS_TEMPORAL_ADDRESS": env.client.service_client.config
                 .target_host, "REVOS_VOICE_STREAM_SECRET": secrets.token_hex(16),
                 "REVOS_GOVERNANCE_APPROVAL_SECRET": secrets.token_hex(32),
                 "REVOS_TASK_QUEUE_SUFFIX": settings.task_queue_suffix, "REVOS_WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
                 "REVOS_ONBOARDING_SMOKE_CONCURRENCY": str(concurrency), "REVOS_CAPITAL_CREATE_SCHEDULES": "false",
                 "REVOS_VOICE_PORT": str(voice_port)}
    children = [spawn(["voice", "--port", str(voice_port)], child_env), spawn(["worker"], child_env)]
    engine = make_engine(url, pool_size=5)
    try:
        await wait_ready(f"http://127.0.0.1:{voice_port}/healthz")
        async with engine.begin() as conn:
            key = (await create_principal(conn, name="bench operator", role=Role.OPERATOR))[1]
        app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default", client=env.client))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as api:
            wall, progress = await onboard(api, {"Authorization": f"Bearer {key}"}, (EXAMPLES / example).read_text())
        report(wall, progress)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(20)
        await engine.dispose()
        await env.shutdown()


def main(example: str = "harbour-plumbing.yaml", concurrency: int = 6) -> None:
    with migrated_database() as url:
        asyncio.run(run(url, example, concurrency))
