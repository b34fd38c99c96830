"""Products and campaigns (admin manages; founders may read)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import AdminDep, EngineDep, NowDep, require
from domain.auth import Principal, Role
from domain.capital.models import Campaign, CampaignCreate, CampaignStatus, Product, ProductCreate
from infra.db import capital_entities
from infra.db.tables_capital import campaigns, products

router = APIRouter(prefix="/v1", tags=["capital: catalog"])
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]


class CampaignStatusChange(BaseModel):
    status: CampaignStatus


@router.post("/products", status_code=status.HTTP_201_CREATED)
async def create_product(body: ProductCreate, _: AdminDep, engine: EngineDep, now: NowDep) -> Product:
    """Create a product (what the company sells)."""
    async with engine.begin() as conn:
        return await capital_entities.create_product(conn, body, now)


@router.get("/products")
async def list_products(_: ReaderDep, engine: EngineDep, tenant_id: UUID | None = None) -> list[Product]:
    """Products, optionally of one tenant."""
    query = select(products).order_by(products.c.created_at)
    if tenant_id is not None:
        query = query.where(products.c.tenant_id == tenant_id)
    async with engine.connect() as conn:
        return [Product.model_validate(dict(r._mapping)) for r in await conn.execute(query)]


@router.get("/products/{product_id}")
async def read_product(product_id: UUID, _: ReaderDep, engine: EngineDep) -> Product:
    """One product."""
    async with engine.connect() as conn:
        return await capital_entities.get_product(conn, product_id)


@router.post("/campaigns", status_code=status.HTTP_201_CREATED)
async def create_campaign(body: CampaignCreate, _: AdminDep, engine: EngineDep, now: NowDep) -> Campaign:
    """Create a campaign (a durable distribution thesis) under a product."""
    async with engine.begin() as conn:
        return await capital_entities.create_campaign(conn, body, now)


@router.get("/campaigns")
async def list_campaigns(_: ReaderDep, engine: EngineDep, product_id: UUID | None = None) -> list[Campaign]:
    """Campaigns, optionally of one product."""
    query = select(campaigns).order_by(campaigns.c.created_at)
    if product_id is not None:
        query = query.where(campaigns.c.product_id == product_id)
    async with engine.connect() as conn:
        return [Campaign.model_validate(dict(r._mapping)) for r in await conn.execute(query)]


@router.get("/campaigns/{campaign_id}")
async def read_campaign(campaign_id: UUID, _: ReaderDep, engine: EngineDep) -> Campaign:
    """One campaign."""
    async with engine.connect() as conn:
        return await capital_entities.get_campaign(conn, campaign_id)


@router.post("/campaigns/{campaign_id}/status")
async def change_campaign_status(campaign_id: UUID, body: CampaignStatusChange, _: AdminDep, engine: EngineDep,
                                 now: NowDep) -> Campaign:
    """Move a campaign: planned -> active <-> paused -> completed."""
    async with engine.begin() as conn:
        return await capital_entities.set_campaign_status(conn, campaign_id, body.status, now)
