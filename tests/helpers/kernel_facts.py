"""Shared setup for kernel integration tests: a tenant, its policy and a few weeks of stored facts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.kernel.inputs import MetricPoint, Opportunity, RevenueEvent
from domain.tenants import Tenant
from infra.db.kernel_facts import ingest_metrics, ingest_opportunities, ingest_revenue_events
from infra.db.kernel_store import record_policy
from infra.db.tables_kernel import kernel_cycles
from infra.db.tenants import create_tenant
from tests.helpers.kernel_payloads import payload

POLICY: dict[str, Any] = {k: payload()[k] for k in ("targets", "guardrails", "cfo_guardrails")}


async def make_tenant(engine: AsyncEngine, now: datetime) -> UUID:
    tenant = Tenant(id=uuid.uuid4(), name="Acme Plumbing")
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
    return tenant.id


async def seed_facts(engine: AsyncEngine, tenant_id: UUID, now: datetime, *, policy: bool = True) -> None:
    """Five days of the core metrics before today, revenue events, opportunities and (optionally) a policy."""
    body = payload(at=now)
    points = [MetricPoint.model_validate({**m, "date": (now.date() - timedelta(days=d)).isoformat()})
              for m in body["metrics"][::3] for d in range(1, 6)]
    async with engine.begin() as conn:
        await ingest_metrics(conn, tenant_id, points, now)
        await ingest_revenue_events(conn, tenant_id, [RevenueEvent.model_validate(
            {**e, "effective_date": (now.date() - timedelta(days=3)).isoformat()}) for e in body["revenue_events"]],
            now)
        await ingest_opportunities(conn, tenant_id, [Opportunity.model_validate(o) for o in body["opportunities"]],
                                   now)
        if policy:
            await record_policy(conn, tenant_id, POLICY, now)


async def cycles(engine: AsyncEngine, tenant_id: UUID) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(kernel_cycles).where(kernel_cycles.c.tenant_id == tenant_id)
                                  .order_by(kernel_cycles.c.recorded_at, func.length(kernel_cycles.c.status)))
        return [dict(r._mapping) for r in rows]
