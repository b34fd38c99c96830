"""The cost of calls: one call's lines, and totals per minute and component over a period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import AnyRoleDep, StateDep, ensure_tenant
from domain.errors import InvalidInput, NotFound
from infra.db.call_costs import GroupBy, Purpose, grouped, lines_of

router = APIRouter(tags=["call costs"])
CENTS = Decimal("0.000001")


class CostLinePublic(BaseModel):
    """One line: what was counted, at which rate."""

    line: str
    component: str
    basis: str
    quantity: Decimal
    unit: str
    rate_usd: Decimal
    amount_usd: Decimal
    detail: dict[str, Any]


class CallCost(BaseModel):
    """A call's cost: total, per billed minute, per component, and its lines."""

    call_sid: str
    tenant_id: UUID | None
    config_version: int | None
    core_version: str
    purpose: Purpose  # live: the tenant's caller; smoke: onboarding testing a configuration (not the tenant's cost)
    minutes: Decimal
    total_usd: Decimal
    per_minute_usd: Decimal
    components: dict[str, Decimal]
    lines: list[CostLinePublic]


class CostGroup(BaseModel):
    """Calls of one group (a day, an objective's share, a core version)."""

    key: str
    calls: int
    minutes: Decimal
    total_usd: Decimal
    per_minute_usd: Decimal
    components: dict[str, Decimal]


class VoiceCosts(BaseModel):
    """Voice cost over a period: the total and each group."""

    tenant_id: UUID | None
    start: date
    end: date
    group_by: GroupBy
    purpose: Purpose
    total: CostGroup
    groups: list[CostGroup]


def _per_minute(total: Decimal, minutes: Decimal) -> Decimal:
    return (total / minutes).quantize(CENTS) if minutes else Decimal(0)


@router.get("/v1/calls/{call_sid}/cost")
async def call_cost(call_sid: str, request: Request, state: StateDep, principal: AnyRoleDep) -> CallCost:
    """One call's cost lines (written when the call ended), total and per minute."""
    async with state.engine.connect() as conn:
        rows = await lines_of(conn, call_sid)
    if not rows:
        raise NotFound(f"no cost recorded for call {call_sid}", code="call_cost_not_found")
    await ensure_tenant(request, state, principal, rows[0]["tenant_id"])
    components: dict[str, Decimal] = {}
    for row in rows:
        components[row["component"]] = components.get(row["component"], Decimal(0)) + row["amount_usd"]
    total = sum(components.values(), Decimal(0))
    minutes = next((r["quantity"] for r in rows if r["component"] == "telephony"), Decimal(0))
    return CallCost(call_sid=call_sid, tenant_id=rows[0]["tenant_id"], config_version=rows[0]["config_version"],
                    core_version=rows[0]["core_version"], purpose=rows[0]["purpose"], minutes=minutes, total_usd=total,
                    per_minute_usd=_per_minute(total, minutes), components=components,
                    lines=[CostLinePublic.model_validate(dict(r)) for r in rows])


@router.get("/v1/costs/voice")
async def voice_costs(request: Request, state: StateDep, principal: AnyRoleDep,
                      start: Annotated[date, Query(alias="from")], end: Annotated[date, Query(alias="to")],
                      tenant_id: UUID | None = None, group_by: GroupBy = "day", purpose: Purpose = "live"
                      ) -> VoiceCosts:
    """Total, per minute and per component, grouped by day, objective (its share of each call) or core version.

    Live calls by default; `purpose=smoke` is what onboarding's smoke calls cost (priced apart, never the tenant's).
    """
    await ensure_tenant(request, state, principal, tenant_id)
    if end < start or (end - start).days > 366:
        raise InvalidInput("`to` must be on or after `from`, at most 366 days later", code="invalid_period")
    async with state.engine.connect() as conn:
        groups = await grouped(conn, tenant_id=tenant_id, start=start, end=end, group_by=group_by, purpose=purpose)
        total = (await grouped(conn, tenant_id=tenant_id, start=start, end=end, group_by="all",
                               purpose=purpose)).get("all")
    empty = {"calls": 0, "minutes": Decimal(0), "total": Decimal(0), "components": {}}
    return VoiceCosts(tenant_id=tenant_id, start=start, end=end, group_by=group_by, purpose=purpose,
                      total=_group("all", total or empty), groups=[_group(k, g) for k, g in groups.items()])


def _group(key: str, g: dict[str, Any]) -> CostGroup:
    return CostGroup(key=key, calls=g["calls"], minutes=g["minutes"].quantize(CENTS), total_usd=g["total"].quantize(
        CENTS), per_minute_usd=_per_minute(g["total"], g["minutes"]), components=g["components"])
