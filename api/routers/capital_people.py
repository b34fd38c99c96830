"""Campaign-owned leads and the team: one login (email) per campaign, each with an hourly rate and hours."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Depends, status
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select

from api.capital_control import poke_spend_soon
from api.deps import AdminDep, EngineDep, NowDep, StateDep, require
from domain.auth import Principal, Role
from domain.capital.models import Strict, TerminalState
from domain.errors import InvalidInput
from infra.db import capital_entities
from infra.db.tables_capital import campaigns, leads, team_logins

router = APIRouter(prefix="/v1", tags=["capital: leads and team"])
LeadWriterDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.SERVICE))]
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]
ServiceDep = Annotated[Principal, Depends(require(Role.SERVICE))]


class LeadCreate(Strict):
    campaign_id: UUID
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)


class LeadPublic(BaseModel):
    id: UUID
    tenant_id: UUID
    campaign_id: UUID
    name: str
    phone: str | None
    terminal_state: TerminalState | None
    terminal_at: datetime | None
    created_at: datetime


class LeadTerminal(Strict):
    state: TerminalState
    at: AwareDatetime | None = None


class LoginCreate(Strict):
    campaign_id: UUID
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    person_name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=50)
    hourly_rate_usd: Decimal = Field(ge=0, max_digits=12, decimal_places=4)


class LoginPublic(LoginCreate):
    model_config = {"extra": "ignore"}
    id: UUID
    created_at: datetime


class HoursIn(Strict):
    login_id: UUID
    day: date
    hours: Decimal = Field(ge=0, le=24, max_digits=6, decimal_places=3)


@router.post("/leads", status_code=status.HTTP_201_CREATED)
async def create_lead(body: LeadCreate, _: LeadWriterDep, engine: EngineDep, now: NowDep) -> LeadPublic:
    """Add a lead to a campaign (leads belong to campaigns, never to experiments)."""
    async with engine.begin() as conn:
        return LeadPublic.model_validate(await capital_entities.create_lead(conn, body.campaign_id, body.name,
                                                                            body.phone, now))


@router.get("/leads/{lead_id}")
async def read_lead(lead_id: UUID, _: ReaderDep, engine: EngineDep) -> LeadPublic:
    """One lead."""
    async with engine.connect() as conn:
        return LeadPublic.model_validate(await capital_entities.get_lead(conn, lead_id))


@router.get("/leads")
async def list_leads(campaign_id: UUID, _: ReaderDep, engine: EngineDep) -> list[LeadPublic]:
    """A campaign's leads."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(leads).where(leads.c.campaign_id == campaign_id).order_by(leads.c.created_at))
        return [LeadPublic.model_validate(dict(r._mapping)) for r in rows]


@router.post("/leads/{lead_id}/terminal")
async def make_terminal(lead_id: UUID, body: LeadTerminal, _: LeadWriterDep, engine: EngineDep, now: NowDep
                        ) -> LeadPublic:
    """A terminal business state: the lead exits the system and counts in no later experiment."""
    at = body.at or now
    if at > now:
        raise InvalidInput("at is in the future", code="occurred_in_future")
    async with engine.begin() as conn:
        return LeadPublic.model_validate(await capital_entities.make_terminal(conn, lead_id, body.state, at))


@router.post("/team", status_code=status.HTTP_201_CREATED)
async def create_login(body: LoginCreate, _: AdminDep, engine: EngineDep, now: NowDep) -> LoginPublic:
    """A login for one campaign (a person on several campaigns has several logins)."""
    async with engine.begin() as conn:
        row = await capital_entities.create_login(conn, body.campaign_id, body.email, body.person_name, body.role,
                                                  body.hourly_rate_usd, now)
    return LoginPublic.model_validate(row)


@router.get("/team")
async def list_logins(campaign_id: UUID, _: ReaderDep, engine: EngineDep) -> list[LoginPublic]:
    """A campaign's logins."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(team_logins).where(team_logins.c.campaign_id == campaign_id))
        return [LoginPublic.model_validate(dict(r._mapping)) for r in rows]


@router.post("/team/hours", status_code=status.HTTP_201_CREATED)
async def record_hours(body: HoursIn, _: ServiceDep, state: StateDep, later: BackgroundTasks) -> dict[str, Any]:
    """Hours worked by one login on one tenant day (labor cost = hours x hourly rate; they replace the day's
    talk time as that day's labor); the tenant's live spend is refreshed right after."""
    async with state.engine.begin() as conn:
        created = await capital_entities.record_hours(conn, body.login_id, body.day, body.hours)
        tenant = (await conn.execute(select(campaigns.c.tenant_id).join(
            team_logins, team_logins.c.campaign_id == campaigns.c.id).where(team_logins.c.id == body.login_id))
        ).scalar()
    later.add_task(poke_spend_soon, state, [tenant] if tenant else [], "labor hours")
    return {"login_id": body.login_id, "day": body.day, "hours": body.hours, "created": created}
