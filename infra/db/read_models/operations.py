"""The operator's panels beside the calls: parked deliveries, live cost per minute, smoke verdicts, calls per
version. Smoke calls' cost is onboarding's, not the tenant's: only purpose `live` is counted here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.read_models.calls import VersionUse
from infra.db.tables_dashboards import call_summaries
from infra.db.tables_integrations import call_cost_lines, deliveries
from infra.db.tables_objectives import tenant_config_smoke_results

PARKED = "dead"


class DeliveryFailure(BaseModel):
    id: str
    tenant_id: UUID | None
    call_sid: str
    integration_id: str
    integration_type: str
    event: str
    status: str
    attempts: int
    last_error: str | None
    updated_at: datetime


async def delivery_failures(conn: AsyncConnection, since: datetime, tenant_id: UUID | None = None,
                            limit: int = 50) -> list[DeliveryFailure]:
    """Parked deliveries (waiting for a redrive) and those still retrying after a failure, newest first."""
    d = deliveries.c
    query = (select(d.id, d.tenant_id, d.call_sid, d.integration_id, d.integration_type, d.event, d.status,
                    d.attempts, d.last_error, d.updated_at)
             .where(d.updated_at >= since, (d.status == PARKED) | ((d.status == "retrying") & d.last_error.isnot(None)))
             .order_by((d.status == PARKED).desc(), d.updated_at.desc()).limit(limit))
    if tenant_id is not None:
        query = query.where(d.tenant_id == tenant_id)
    return [DeliveryFailure.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


class TenantCost(BaseModel):
    tenant_id: UUID | None
    calls: int
    minutes: Decimal
    total_usd: Decimal
    components: dict[str, Decimal]  # component -> USD per billed minute

    @property
    def per_minute_usd(self) -> Decimal | None:
        return self.total_usd / self.minutes if self.minutes else None


async def cost_per_minute(conn: AsyncConnection, since: date, tenant_id: UUID | None = None) -> list[TenantCost]:
    """Live calls' cost per billed (telephony) minute, per tenant and component, since a day; dearest first."""
    c = call_cost_lines.c
    query = (select(c.tenant_id, c.component, func.count(func.distinct(c.call_sid)).label("calls"),
                    func.sum(c.amount_usd).label("usd"), func.sum(c.quantity).label("quantity"))
             .where(c.purpose == "live", c.day >= since).group_by(c.tenant_id, c.component))
    if tenant_id is not None:
        query = query.where(c.tenant_id == tenant_id)
    found: dict[UUID | None, dict[str, Any]] = {}
    for row in (await conn.execute(query)).mappings():
        t = found.setdefault(row["tenant_id"], {"calls": 0, "minutes": Decimal(0), "usd": {}})
        t["calls"] = max(t["calls"], int(row["calls"]))
        t["usd"][row["component"]] = Decimal(row["usd"])
        if row["component"] == "telephony":  # its quantity is the billed minutes (api/routers/call_costs.py)
            t["minutes"] = Decimal(row["quantity"])
    out = [TenantCost(tenant_id=k, calls=v["calls"], minutes=v["minutes"], total_usd=sum(v["usd"].values(), Decimal(0)),
                      components={name: (usd / v["minutes"] if v["minutes"] else Decimal(0))
                                  for name, usd in sorted(v["usd"].items())}) for k, v in found.items()]
    return sorted(out, key=lambda t: t.per_minute_usd or Decimal(0), reverse=True)


class SmokeResult(BaseModel):
    version: int
    passed: bool
    workflow_id: str
    detail: dict[str, Any]
    recorded_at: datetime


async def smoke_results(conn: AsyncConnection, tenant_id: UUID) -> list[SmokeResult]:
    """Every smoke verdict on the tenant's versions, newest first."""
    s = tenant_config_smoke_results.c
    query = (select(s.version, s.passed, s.workflow_id, s.detail, s.recorded_at).where(s.tenant_id == tenant_id)
             .order_by(s.id.desc()))
    return [SmokeResult.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def calls_per_version(conn: AsyncConnection, tenant_id: UUID, uses: list[VersionUse], per_version: int = 5
                            ) -> dict[int | None, list[str]]:
    """The latest live calls (sids) that ran on each configuration version, from `call.started`.

    One short index scan per version, from the version's last call backwards (`calls_by_config_version` knows it).
    """
    c = call_summaries.c
    out: dict[int | None, list[str]] = {}
    for use in uses:
        same = c.config_version.is_(None) if use.config_version is None else c.config_version == use.config_version
        rows = await conn.execute(select(c.call_sid).where(c.tenant_id == tenant_id, c.started_at <= use.last_call_at,
                                                           same, ~c.smoke)
                                  .order_by(c.started_at.desc()).limit(per_version))
        out[use.config_version] = [str(sid) for sid in rows.scalars()]
    return out
