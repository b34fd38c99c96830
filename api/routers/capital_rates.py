"""USD rates for provider costs in other currencies (append-only; a later recording corrects an earlier one),
and the costs a rollup could not convert."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import Field
from sqlalchemy import insert, select

from api.deps import AdminDep, EngineDep, NowDep, require
from domain.auth import Principal, Role
from domain.capital.models import Strict
from infra.db.tables_capital_costs import cost_refusals, fx_rates

router = APIRouter(prefix="/v1", tags=["capital: facts and cost"])
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]


class RateIn(Strict):
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. AUD")
    effective_date: date = Field(description="the first day (a tenant day of cost) the rate applies to")
    usd_per_unit: Decimal = Field(gt=0, max_digits=18, decimal_places=8)
    source: str = Field(min_length=1, max_length=200, description="where the rate comes from")


class RatePublic(RateIn):
    id: int
    recorded_at: datetime
    recorded_by: UUID | None


@router.post("/fx-rates", status_code=status.HTTP_201_CREATED)
async def record_rate(body: RateIn, admin: AdminDep, engine: EngineDep, now: NowDep) -> RatePublic:
    """Record a USD rate; rollups of days from `effective_date` on convert that currency with it."""
    async with engine.begin() as conn:
        rate_id = (await conn.execute(insert(fx_rates).values(**body.model_dump(), recorded_at=now,
                                                              recorded_by=admin.id).returning(fx_rates.c.id))
                   ).scalar_one()
    return RatePublic(id=rate_id, recorded_at=now, recorded_by=admin.id, **body.model_dump())


@router.get("/fx-rates")
async def list_rates(_: ReaderDep, engine: EngineDep, currency: str | None = None) -> list[RatePublic]:
    """Every recorded rate (of one currency), in the order recorded."""
    query = select(fx_rates).order_by(fx_rates.c.id)
    if currency is not None:
        query = query.where(fx_rates.c.currency == currency.upper())
    async with engine.connect() as conn:
        return [RatePublic.model_validate(dict(r._mapping)) for r in await conn.execute(query)]


@router.get("/costs/refusals")
async def list_refusals(_: ReaderDep, engine: EngineDep, day: date, tenant_id: UUID | None = None
                        ) -> list[dict[str, Any]]:
    """Provider costs of a tenant day that are not counted (no USD rate recorded), with the reason."""
    query = select(cost_refusals).where(cost_refusals.c.date == day)
    if tenant_id is not None:
        query = query.where(cost_refusals.c.tenant_id == tenant_id)
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(query.order_by(cost_refusals.c.source))]
