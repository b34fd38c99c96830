"""Capital benchmark: 100,000 dialer calls ingested in batches through the API (with attribution), the daily
rollup over 1,000,000 cost rows, and the weekly summary query. Prints p50/p95/p99 and throughput.

    python -m benchmarks.capital [--calls 100000] [--batch 2000] [--cost-rows 1000000]

Runs its own embedded Postgres in a temporary directory; no Temporal needed (activities are called directly).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from activities.capital import CapitalActivities
from activities.capital_costs import LocalGcpBilling, LocalTwilioUsage
from api.app import create_app
from api.state import TemporalProvider
from domain.auth import Role
from domain.capital.lifecycle import Action
from domain.capital.messages import RollupCommand, TransitionCommand
from infra.db import capital_lifecycle, capital_reports, embedded
from infra.db.admin import ensure_database
from infra.db.engine import make_engine, raw_driver
from infra.db.migrate import upgrade
from infra.db.principals import create_principal
from infra.settings import Settings

DAY = date(2026, 11, 4)
WEEK = "2026-W45"
OUTCOMES = ["No Answer", "Busy", "Wrong #", "Not Interested", "Callback", "Info", "Schedule"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name}: n={len(ms)} p50={pct(ms, .5):.1f}ms p95={pct(ms, .95):.1f}ms p99={pct(ms, .99):.1f}ms "
          f"mean={statistics.mean(ms):.1f}ms")


async def seed(pg: asyncpg.Connection, engine: Any, campaigns: int, leads: int, logins: int
               ) -> tuple[list[uuid.UUID], dict[uuid.UUID, list[uuid.UUID]], dict[uuid.UUID, list[uuid.UUID]]]:
    tenant, product = uuid.uuid4(), uuid.uuid4()
    await pg.execute("INSERT INTO tenants VALUES ($1, 'bench', 'UTC', 'en-AU', now())", tenant)
    await pg.execute("INSERT INTO products (id, tenant_id, name) VALUES ($1, $2, 'calc')", product, tenant)
    ids = [uuid.uuid4() for _ in range(campaigns)]
    lead_map: dict[uuid.UUID, list[uuid.UUID]] = {}
    login_map: dict[uuid.UUID, list[uuid.UUID]] = {}
    for i, c in enumerate(ids):
        await pg.execute("INSERT INTO campaigns (id, tenant_id, product_id, name, owner_user_id, status, start_date) "
                         "VALUES ($1, $2, $3, $4, 'o', 'active', '2026-10-01')", c, tenant, product, f"c{i}")
        lead_map[c] = [uuid.uuid4() for _ in range(leads // campaigns)]
        await pg.copy_records_to_table("leads", records=[(x, tenant, c, "lead") for x in lead_map[c]],
                                       columns=["id", "tenant_id", "campaign_id", "name"])
        login_map[c] = [uuid.uuid4() for _ in range(logins // campaigns)]
        await pg.copy_records_to_table("team_logins", columns=["id", "campaign_id", "email", "person_name", "role",
                                                                "hourly_rate_usd"],
                                       records=[(x, c, f"{x}@b.com", "p", "sdr", Decimal(30)) for x in login_map[c]])
        await pg.execute("INSERT INTO campaign_cost_sources VALUES ('gcp', $1, $2), ('twilio', $3, $2)",
                         f"proj-{i}", c, f"AC{i}")
        for n, (start, stop) in enumerate([(datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 4, 9, tzinfo=UTC)),
                                           (datetime(2026, 11, 4, 9, tzinfo=UTC), None)]):
            exp = uuid.uuid4()
            await pg.execute(
                "INSERT INTO experiments (id, tenant_id, campaign_id, name, hypothesis, status, capital_cap_usd, "
                "time_cap_days, tranche_size_usd, primary_success_event, secondary_events, denominator_event) VALUES "
                "($1, $2, $3, $4, 'h', 'planned', 100000, 30, 1000, 'calculator_installed', '{}', 'qpc')",
                exp, tenant, c, f"e{i}-{n}")
            for action, at in [(Action.START, start), (Action.PAUSE, stop)]:
                if at is not None:
                    async with engine.begin() as conn:
                        await capital_lifecycle.apply_transition(conn, TransitionCommand(
                            transition_id=uuid.uuid4().hex, experiment_id=exp, action=action, at=at, actor="bench"))
    return ids, lead_map, login_map


async def bench_ingest(app: Any, key: str, lead_map: dict[uuid.UUID, list[uuid.UUID]],
                       login_map: dict[uuid.UUID, list[uuid.UUID]], total: int, batch: int) -> None:
    rng = random.Random(1)
    start = datetime(2026, 11, 2, tzinfo=UTC)
    campaigns = list(lead_map)
    batches = []
    for b in range(total // batch):
        calls = []
        for n in range(batch):
            c = rng.choice(campaigns)
            calls.append({"lead_id": str(rng.choice(lead_map[c])), "login_id": str(rng.choice(login_map[c])),
                          "started_at": (start + timedelta(seconds=rng.uniform(0, 6 * 86400))).isoformat(),
                          "duration_s": rng.choice([0, 8, 30, 90, 160, 400]), "outcome": rng.choice(OUTCOMES),
                          "twilio_call_sid": f"CA{b:05d}{n:06d}"})
        batches.append({"calls": calls})
    latencies, attributed = [], 0
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
        began = time.perf_counter()
        for body in batches:
            t = time.perf_counter()
            response = await client.post("/v1/dialer/calls", json=body, headers={"Authorization": f"Bearer {key}"})
            latencies.append(time.perf_counter() - t)
            assert response.status_code == 201, response.text
            attributed += response.json()["attributed"]
        elapsed = time.perf_counter() - began
    print(f"ingest: {total} calls in {elapsed:.2f}s = {total / elapsed:,.0f} calls/s over HTTP (batches of {batch}); "
          f"{attributed} attributed")
    report(f"ingest batch of {batch}", latencies)


async def seed_costs(pg: asyncpg.Connection, campaigns: list[uuid.UUID], rows: int,
                     login_map: dict[uuid.UUID, list[uuid.UUID]]) -> None:
    rng = random.Random(2)
    base = datetime.combine(DAY, datetime.min.time(), UTC)
    records = [(f"proj-{rng.randrange(len(campaigns))}", "Compute Engine", "N2", base + timedelta(seconds=i % 86400),
                base + timedelta(seconds=i % 86400), Decimal(rng.randint(1, 10_000)) / 10_000, Decimal(0), "USD")
               for i in range(rows)]
    began = time.perf_counter()
    await pg.copy_records_to_table("gcp_billing_export", records=records, columns=[
        "project_id", "service_description", "sku_description", "usage_start_time", "usage_end_time", "cost",
        "credits_amount", "currency"])
    await pg.copy_records_to_table("twilio_usage_records", records=[
        (f"AC{i}", "totalprice", DAY, DAY, Decimal(100), "usd", 1, Decimal("12.34"), "usd")
        for i in range(len(campaigns))],
        columns=["account_sid", "category", "start_date", "end_date", "usage", "usage_unit", "count", "price",
                 "price_unit"])
    await pg.copy_records_to_table("labor_hours", columns=["login_id", "day", "hours"], records=[
        (login, DAY, Decimal(8)) for logins in login_map.values() for login in logins])
    await pg.execute("ANALYZE")
    print(f"seeded {rows:,} GCP billing rows (COPY) in {time.perf_counter() - began:.1f}s")


def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded.start(Path(tmp) / "pg")
        try:
            asyncio.run(ensure_database(server.url, "bench"))
            url = server.database_url("bench")
            upgrade(url)
            asyncio.run(run(url, args))
        finally:
            server.stop()


async def run(url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        _, key = await create_principal(conn, name="bench", role=Role.SERVICE)
        _, admin_key = await create_principal(conn, name="bench admin", role=Role.ADMIN)
    async with engine.connect() as conn:
        pg = await raw_driver(conn)
        campaigns, lead_map, login_map = await seed(pg, engine, 10, 10_000, 100)
        await conn.commit()
    app = create_app(Settings(database_url=url), engine=engine, temporal=TemporalProvider("unused", "default"))
    await bench_ingest(app, key, lead_map, login_map, args.calls, args.batch)
    async with engine.connect() as conn:
        pg = await raw_driver(conn)
        await seed_costs(pg, campaigns, args.cost_rows, login_map)
        await conn.commit()
    activities = CapitalActivities(engine, LocalTwilioUsage(engine), LocalGcpBilling(engine))
    rollups = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        await activities.rollup_costs(RollupCommand(day=DAY, at=datetime.now(UTC)))
        rollups.append(time.perf_counter() - t)
    report(f"daily rollup over {args.cost_rows:,} cost rows (idempotent rerun each time)", rollups)
    weekly = []
    for _ in range(50):
        t = time.perf_counter()
        async with engine.connect() as conn:
            summary = await capital_reports.weekly_summary(conn, WEEK)
        weekly.append(time.perf_counter() - t)
    report(f"weekly summary query ({len(summary.rows)} experiments, {summary.totals.qpcs} QPCs)", weekly)
    over_http = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(20):
            t = time.perf_counter()
            response = await client.get(f"/v1/reports/weekly?week={WEEK}",
                                        headers={"Authorization": f"Bearer {admin_key}"})
            over_http.append(time.perf_counter() - t)
            assert response.status_code == 200, response.text
    report("weekly summary over HTTP (JSON)", over_http)
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--cost-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    main(parser.parse_args())
