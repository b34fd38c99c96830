"""Benchmark: governed change end to end, every contract to its end (rollout or rollback), all at once.

N contracts over S capability instances (half kernel.policy on S/2 tenants with stored facts, half
capital.campaign on S/2 campaigns), every change a healthy one: each issue is filed, drafted, approved, then
executed through its executor, observed (a short window, set here), audited and rolled out. Contracts on the
same instance run one after the other (scope locks); different instances run at once. Reported: p50/p95 of
receipt -> DRAFT, of the approve call, and of approve -> COMPLETED; and the FAILs, which must be zero (every
change is healthy, so any FAIL is a false one).

Everything is real and embedded: Postgres, the Temporal dev server, the governance worker in this process and
the API over ASGI (auth and signed approvals included).

    python -m benchmarks.contract_lifecycle [--contracts 200] [--scopes 20] [--window 0.2] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from benchmarks.common import migrated_database, percentile
from domain.auth import Role
from domain.capabilities import CAPITAL_CAMPAIGN, KERNEL_POLICY
from domain.kernel.inputs import MetricPoint
from domain.tenants import Tenant
from infra.db.engine import make_engine
from infra.db.kernel_facts import ingest_metrics
from infra.db.kernel_store import record_policy
from infra.db.principals import create_principal
from infra.db.tenants import create_tenant
from infra.settings import Settings
from infra.temporal.dev_server import temporal_binary
from infra.temporal.search_attributes import ALL
from workers.bundle import WorkerDeps, build_workers
from workers.governance_worker import governance_bundle

METRICS = {"pipeline_total": 300_000.0, "bookings_new": 95_000.0, "cac_blended": 900.0, "gross_margin_pct": 70.0,
           "payback_months": 10.0, "revenue_per_fte": 180_000.0, "runway_months": 20.0}
POLICY = {"targets": {"pipeline_total": 500_000, "bookings_new": 100_000, "cac_max": 1200},
          "guardrails": {"max_daily_spend": 2000, "allowed_levers": ["campaigns", "channels", "pricing"]},
          "cfo_guardrails": {"payback_target_months": 12, "payback_tolerance_months": 2, "margin_floor_pct": 60,
                             "cash_risk_tolerance": "medium", "runway_threshold_months": 9}}
Auth = dict[str, dict[str, str]]


def report(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name:<22} n={len(ms):<4} p50={percentile(ms, 50):8.1f} ms  p95={percentile(ms, 95):8.1f} ms  "
          f"max={max(ms):8.1f} ms", flush=True)


async def bounded(limit: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()
    return await asyncio.gather(*(one(j) for j in jobs))


async def seed_kernel_tenants(engine: AsyncEngine, n: int) -> list[str]:
    now = datetime.now(UTC)
    tenants = []
    async with engine.begin() as conn:
        for i in range(n):
            tenant = Tenant(id=uuid.uuid4(), name=f"Bench kernel tenant {i}")
            await create_tenant(conn, tenant, now)
            points = [MetricPoint(metric_id=k, value=v, date=(now - timedelta(days=d)).date())
                      for k, v in METRICS.items() for d in range(1, 6)]
            await ingest_metrics(conn, tenant.id, points, now)
            await record_policy(conn, tenant.id, POLICY, now)
            tenants.append(str(tenant.id))
    return tenants


async def seed_campaigns(api: httpx.AsyncClient, auth: Auth, n: int) -> list[str]:
    async def post(path: str, body: dict[str, Any], role: str = "admin") -> dict[str, Any]:
        r = await api.post(path, json=body, headers=auth[role])
        assert r.status_code == 201, r.text
        return dict(r.json())
    tenant = await post("/v1/tenants", {"name": "Bench capital tenant"}, role="operator")
    product = await post("/v1/products", {"tenant_id": tenant["id"], "name": "Bench product"})
    today = datetime.now(UTC).date().isoformat()
    return [str((await post("/v1/campaigns", {"product_id": product["id"], "name": f"Campaign {i}",
                                              "owner_user_id": "bench", "status": "active", "start_date": today,
                                              "capital_budget_usd": "10000"}))["id"]) for i in range(n)]


def payloads(n: int, tenants: list[str], campaigns: list[str]) -> list[dict[str, Any]]:
    """Contract i changes scope i mod S, with a healthy value distinct per contract."""
    scopes = [(KERNEL_POLICY, t, "targets.cac_max", 1000) for t in tenants] + \
             [(CAPITAL_CAMPAIGN, c, "budget_usd", 10000) for c in campaigns]
    out = []
    for i in range(n):
        capability, target, key, base = scopes[i % len(scopes)]
        out.append({"title": f"bench change {i}", "description": "please change the configuration",
                    "requested_changes": [{"capability": capability, "target": target, "key": key,
                                           "value": base + i}]})
    return out


async def wait_for(engine: AsyncEngine, sql: str, params: dict[str, Any], every: float = 0.05,
                   timeout: float = 600) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with engine.connect() as conn:
            value = (await conn.execute(text(sql), params)).scalar_one_or_none()
        if value is not None:
            return value
        await asyncio.sleep(every)
    raise TimeoutError(sql)


async def receipts(api: httpx.AsyncClient, engine: AsyncEngine, auth: Auth, bodies: list[dict[str, Any]],
                   limit: int) -> tuple[list[str], list[float]]:
    async def one(i: int) -> tuple[str, float]:
        started = time.perf_counter()
        r = await api.post("/v1/issues", headers=auth["service"], json={
            "source": "crm_feedback", "external_id": f"bench-{i}", "raw_payload": bodies[i]})
        assert r.status_code == 201, r.text
        cid = await wait_for(engine, "SELECT contract_id FROM issues WHERE id = :i AND status = 'CONTRACT_DRAFTED'",
                             {"i": r.json()["id"]})
        return str(cid), time.perf_counter() - started
    done = await bounded(limit, [partial(one, i) for i in range(len(bodies))])
    return [c for c, _ in done], [t for _, t in done]


async def approvals(api: httpx.AsyncClient, auth: Auth, contracts: list[str], limit: int
                    ) -> tuple[dict[str, float], list[float]]:
    async def one(cid: str) -> tuple[str, float, float]:
        started = time.perf_counter()
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=auth["founder"])
        assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text
        return cid, started, time.perf_counter() - started
    done = await bounded(limit, [partial(one, c) for c in contracts])
    return {c: s for c, s, _ in done}, [t for _, _, t in done]


async def endings(engine: AsyncEngine, approved_at: dict[str, float]) -> tuple[dict[str, str], list[float]]:
    """Poll until every contract is COMPLETED or FAILED; approve -> end per contract."""
    ended: dict[str, str] = {}
    seconds: list[float] = []
    while len(ended) < len(approved_at):
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id::text, status FROM system_contracts "
                                            "WHERE status IN ('COMPLETED', 'FAILED')"))).all()
        now = time.perf_counter()
        for cid, status in rows:
            if cid in approved_at and cid not in ended:
                ended[cid] = status
                seconds.append(now - approved_at[cid])
        await asyncio.sleep(0.05)
    return ended, seconds


async def measure(args: argparse.Namespace, url: str, env: WorkflowEnvironment) -> int:
    settings = Settings(database_url=url, task_queue_suffix=f"-bench-{uuid.uuid4().hex[:6]}",
                        governance_approval_secret=SecretStr(secrets.token_hex(32)),
                        governance_activation_delay_seconds=0, governance_step_interval_seconds=0,
                        governance_observation_window_seconds=args.window, governance_scope_recheck_seconds=5)
    engine = make_engine(url, pool_size=10)
    async with engine.begin() as conn:
        auth = {r.value: {"Authorization": f"Bearer {(await create_principal(conn, name=r.value, role=r))[1]}"}
                for r in (Role.FOUNDER, Role.SERVICE, Role.ADMIN, Role.OPERATOR)}
    (worker,) = build_workers(WorkerDeps(settings=settings, engine=engine, client=env.client), [governance_bundle],
                              queue_suffix=settings.task_queue_suffix)
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default", client=env.client))
    async with worker, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as api:
        for name in (KERNEL_POLICY, CAPITAL_CAMPAIGN):
            assert (await api.post("/v1/capabilities", json={"name": name}, headers=auth["admin"])).status_code == 201
        tenants = await seed_kernel_tenants(engine, args.scopes // 2)
        campaigns = await seed_campaigns(api, auth, args.scopes - args.scopes // 2)
        started = time.perf_counter()
        contracts, drafted = await receipts(api, engine, auth, payloads(args.contracts, tenants, campaigns),
                                            args.concurrency)
        approved_at, approve_calls = await approvals(api, auth, contracts, args.concurrency)
        ended, to_end = await endings(engine, approved_at)
        wall = time.perf_counter() - started
    await engine.dispose()
    report("receipt -> DRAFT", drafted)
    report("approve call", approve_calls)
    report("approve -> COMPLETED", to_end)
    failed = sorted(c for c, s in ended.items() if s != "COMPLETED")
    print(f"{len(contracts)} contracts over {args.scopes} scopes in {wall:.1f} s (observation window "
          f"{args.window} s): {len(ended) - len(failed)} COMPLETED, {len(failed)} FAILED (false FAILs)", flush=True)
    return 1 if failed else 0


async def run(args: argparse.Namespace, url: str) -> int:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(), data_converter=pydantic_data_converter,
        search_attributes=list(ALL), dev_server_log_level="error")
    try:
        return await measure(args, url, env)
    finally:
        await env.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--scopes", type=int, default=20, help="capability instances (half kernel, half capital)")
    parser.add_argument("--window", type=float, default=0.2, help="the observation window, seconds")
    parser.add_argument("--concurrency", type=int, default=20, help="issues filed and approved at once")
    args = parser.parse_args()
    with migrated_database() as url:
        sys.exit(asyncio.run(run(args, url)))


if __name__ == "__main__":
    main()
