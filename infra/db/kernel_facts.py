"""What kernel cycles read: ingested metrics, revenue events and opportunities, and capital campaigns.

Campaigns come through `CampaignSource`; the SQL adapter reads the capital domain's `campaigns` and
`cost_rollups` (budget_total = capital_budget_usd, budget_spent = sum(cost_usd)) and returns no
campaigns when those tables do not exist (to_regclass), so the kernel works with or without capital.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import and_, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kernel.assembly import StoredFacts, trailing_start
from domain.kernel.inputs import ActionResult, MetricPoint, Opportunity, RevenueEvent
from infra.db.tables_kernel import kernel_action_results, metrics, opportunities, revenue_events

CLOSED_STAGES = ("closed_won", "closed_lost", "won", "lost")

_CAMPAIGNS_SQL = text("""
SELECT c.id::text AS id, c.name, c.status, c.start_date, c.end_date,
       COALESCE(c.capital_budget_usd, 0) AS budget_total,
       COALESCE((SELECT sum(r.cost_usd) FROM cost_rollups r WHERE r.campaign_id = c.id), 0) AS budget_spent
FROM campaigns c
WHERE c.tenant_id = :tenant AND (c.end_date IS NULL OR c.end_date >= :start)
ORDER BY c.id
""")


class CampaignSource(Protocol):
    async def campaigns(self, conn: AsyncConnection, tenant_id: UUID, start: date) -> list[dict[str, Any]]: ...


class CapitalCampaigns:
    """Campaigns with budget and spend from the capital tables, or none if they are absent."""

    async def campaigns(self, conn: AsyncConnection, tenant_id: UUID, start: date) -> list[dict[str, Any]]:
        present = (await conn.execute(text(
            "SELECT to_regclass('campaigns') IS NOT NULL AND to_regclass('cost_rollups') IS NOT NULL"))).scalar()
        if not present:
            return []
        rows = await conn.execute(_CAMPAIGNS_SQL, {"tenant": tenant_id, "start": start})
        return [{"id": r.id, "name": r.name, "status": r.status, "objective": "unspecified",
                 "budget_total": float(r.budget_total), "budget_spent": float(r.budget_spent),
                 "start_date": r.start_date.isoformat(),
                 **({"end_date": r.end_date.isoformat()} if r.end_date else {})} for r in rows]


async def ingest_metrics(conn: AsyncConnection, tenant_id: UUID, points: Sequence[MetricPoint],
                         now: datetime) -> int:
    rows = [{"tenant_id": tenant_id, "metric_id": p.metric_id, "value": Decimal(repr(p.value)), "date": p.date,
             "dimension": p.dimension or {}, "recorded_at": now} for p in points]
    if rows:
        await conn.execute(insert(metrics), rows)
    return len(rows)


async def ingest_revenue_events(conn: AsyncConnection, tenant_id: UUID, events: Sequence[RevenueEvent],
                                now: datetime) -> int:
    """Insert new events; an id already stored for the tenant is skipped (ingestion is idempotent)."""
    if not events:
        return 0
    rows = [{**e.model_dump(), "tenant_id": tenant_id, "recorded_at": now} for e in events]
    result = await conn.execute(pg_insert(revenue_events).values(rows).on_conflict_do_nothing()
                                .returning(revenue_events.c.id))
    return len(result.all())


async def ingest_opportunities(conn: AsyncConnection, tenant_id: UUID, opps: Sequence[Opportunity],
                               now: datetime) -> int:
    """Each ingest is a new version of the opportunity; the latest version is its current state."""
    rows = [{**o.model_dump(), "tenant_id": tenant_id, "recorded_at": now} for o in opps]
    if rows:
        await conn.execute(insert(opportunities), rows)
    return len(rows)


async def ingest_action_results(conn: AsyncConnection, tenant_id: UUID, results: Sequence[ActionResult],
                                now: datetime) -> int:
    rows = [{"tenant_id": tenant_id, "result": r.model_dump(mode="json", exclude_none=True), "recorded_at": now}
            for r in results]
    if rows:
        await conn.execute(insert(kernel_action_results), rows)
    return len(rows)


async def recent_action_results(conn: AsyncConnection, tenant_id: UUID, since: datetime) -> list[dict[str, Any]]:
    """Results recorded since `since`, oldest first (all of them feed back into the next cycle)."""
    query = select(kernel_action_results.c.result).where(
        kernel_action_results.c.tenant_id == tenant_id, kernel_action_results.c.recorded_at >= since).order_by(
        kernel_action_results.c.id)
    return list((await conn.execute(query)).scalars())


async def trailing_values(conn: AsyncConnection, tenant_id: UUID, metric_id: str, before: date,
                          days: int) -> list[float]:
    """Undimensioned values of a metric in the `days` before `before`, excluding rows ingested now."""
    query = select(metrics.c.value).where(
        metrics.c.tenant_id == tenant_id, metrics.c.metric_id == metric_id, metrics.c.date < before,
        metrics.c.date >= trailing_start(before, days), metrics.c.dimension == text("'{}'::jsonb"))
    return [float(v) for v in (await conn.execute(query)).scalars()]


async def _metrics(conn: AsyncConnection, tenant_id: UUID, start: date, end: date) -> list[dict[str, Any]]:
    query = select(metrics.c.metric_id, metrics.c.value, metrics.c.date, metrics.c.dimension).where(
        metrics.c.tenant_id == tenant_id, metrics.c.date >= start, metrics.c.date <= end).order_by(
        metrics.c.date, metrics.c.id)
    return [{"metric_id": r.metric_id, "value": float(r.value), "date": r.date.isoformat(),
             **({"dimension": r.dimension} if r.dimension else {})} for r in await conn.execute(query)]


async def _revenue(conn: AsyncConnection, tenant_id: UUID, start: date, end: date) -> list[dict[str, Any]]:
    query = select(revenue_events).where(revenue_events.c.tenant_id == tenant_id,
                                         revenue_events.c.effective_date.between(start, end))
    out = []
    for r in await conn.execute(query):
        event = RevenueEvent.model_validate({k: v for k, v in r._mapping.items() if k in RevenueEvent.model_fields})
        out.append(event.model_dump(mode="json", exclude_none=True))
    return out


async def _open_opportunities(conn: AsyncConnection, tenant_id: UUID) -> list[dict[str, Any]]:
    latest = select(opportunities.c.id, func.max(opportunities.c.row_id).label("row_id")).where(
        opportunities.c.tenant_id == tenant_id).group_by(opportunities.c.id).subquery()
    query = select(opportunities).join(latest, and_(opportunities.c.row_id == latest.c.row_id)).where(
        func.lower(opportunities.c.stage).notin_(CLOSED_STAGES)).order_by(opportunities.c.id)
    out = []
    for r in await conn.execute(query):
        opp = Opportunity.model_validate({k: v for k, v in r._mapping.items() if k in Opportunity.model_fields})
        out.append(opp.model_dump(mode="json"))
    return out


async def load_facts(conn: AsyncConnection, tenant_id: UUID, window: tuple[date, date],
                     campaigns: CampaignSource) -> StoredFacts:
    """Everything a cycle reads; action results recorded since the window's first day feed back."""
    start, end = window
    since = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    return StoredFacts(
        metrics=await _metrics(conn, tenant_id, start, end),
        revenue_events=await _revenue(conn, tenant_id, start, end),
        campaigns=await campaigns.campaigns(conn, tenant_id, start),
        opportunities=await _open_opportunities(conn, tenant_id),
        action_results=await recent_action_results(conn, tenant_id, since),
    )
