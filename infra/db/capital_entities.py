"""Products, campaigns, experiments (with bonus rules), leads, team logins and labor hours."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital.models import (
    BonusRule,
    Campaign,
    CampaignCreate,
    CampaignStatus,
    Experiment,
    ExperimentCreate,
    ExperimentStatus,
    Product,
    ProductCreate,
    TerminalState,
)
from domain.errors import Conflict, InvalidInput, NotFound
from domain.events import NewEvent, stream_name
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_capital import (
    bonus_rules,
    campaigns,
    evaluations,
    experiments,
    labor_hours,
    leads,
    products,
    team_logins,
)
from infra.db.violations import refusing


async def _event(conn: AsyncConnection, kind: str, ident: UUID, type_: str, payload: dict[str, Any],
                 now: datetime, tenant_id: UUID | None) -> None:
    await event_store.append(conn, stream_name(kind, ident), [NewEvent(type=type_, payload=payload, occurred_at=now)],
                             tenant_id=tenant_id)


async def create_product(conn: AsyncConnection, body: ProductCreate, now: datetime) -> Product:
    if not (await conn.execute(select(exists().where(tenants.c.id == body.tenant_id)))).scalar():
        raise NotFound(f"tenant {body.tenant_id} does not exist", code="tenant_not_found")
    product = Product(id=uuid.uuid4(), created_at=now, **body.model_dump())
    await conn.execute(insert(products).values(**product.model_dump()))
    await _event(conn, "product", product.id, "capital.product_created", product.model_dump(mode="json"), now,
                 product.tenant_id)
    return product


async def get_product(conn: AsyncConnection, product_id: UUID) -> Product:
    row = (await conn.execute(select(products).where(products.c.id == product_id))).one_or_none()
    if row is None:
        raise NotFound(f"product {product_id} does not exist", code="product_not_found")
    return Product.model_validate(dict(row._mapping))


async def create_campaign(conn: AsyncConnection, body: CampaignCreate, now: datetime) -> Campaign:
    product = await get_product(conn, body.product_id)
    if body.end_date is not None and body.end_date < body.start_date:
        raise InvalidInput("end_date is before start_date", code="invalid_dates")
    if body.status not in (CampaignStatus.PLANNED, CampaignStatus.ACTIVE):
        raise InvalidInput("a new campaign is planned or active", code="invalid_status")
    campaign = Campaign(id=uuid.uuid4(), tenant_id=product.tenant_id, created_at=now, **body.model_dump())
    await conn.execute(insert(campaigns).values(**campaign.model_dump()))
    await _event(conn, "campaign", campaign.id, "capital.campaign_created", campaign.model_dump(mode="json"), now,
                 campaign.tenant_id)
    return campaign


async def get_campaign(conn: AsyncConnection, campaign_id: UUID) -> Campaign:
    row = (await conn.execute(select(campaigns).where(campaigns.c.id == campaign_id))).one_or_none()
    if row is None:
        raise NotFound(f"campaign {campaign_id} does not exist", code="campaign_not_found")
    return Campaign.model_validate(dict(row._mapping))


CAMPAIGN_MOVES: dict[CampaignStatus, set[CampaignStatus]] = {
    CampaignStatus.PLANNED: {CampaignStatus.ACTIVE, CampaignStatus.COMPLETED},
    CampaignStatus.ACTIVE: {CampaignStatus.PAUSED, CampaignStatus.COMPLETED},
    CampaignStatus.PAUSED: {CampaignStatus.ACTIVE, CampaignStatus.COMPLETED},
    CampaignStatus.COMPLETED: set(),
}


async def set_campaign_status(conn: AsyncConnection, campaign_id: UUID, status: CampaignStatus, now: datetime
                              ) -> Campaign:
    campaign = await get_campaign(conn, campaign_id)
    if status not in CAMPAIGN_MOVES[campaign.status]:
        raise Conflict(f"campaign is {campaign.status.value}; cannot become {status.value}",
                       code="invalid_campaign_transition")
    running = await conn.execute(select(exists().where(experiments.c.campaign_id == campaign_id,
                                                       experiments.c.status == ExperimentStatus.RUNNING.value)))
    if status is not CampaignStatus.ACTIVE and running.scalar():
        raise Conflict("an experiment is running in this campaign; pause or complete it first",
                       code="experiment_running")
    values: dict[str, Any] = {"status": status.value}
    if status is CampaignStatus.COMPLETED:
        values["end_date"] = campaign.end_date or now.date()
    await conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))
    await _event(conn, "campaign", campaign_id, "capital.campaign_status_changed",
                 {"from": campaign.status.value, "to": status.value}, now, campaign.tenant_id)
    return campaign.model_copy(update=values)


async def set_campaign_budget(conn: AsyncConnection, campaign_id: UUID, budget_usd: Decimal | None, now: datetime
                              ) -> Campaign:
    """Change a campaign's capital budget (None: no budget); a completed campaign's budget is final."""
    campaign = await get_campaign(conn, campaign_id)
    if campaign.status is CampaignStatus.COMPLETED:
        raise Conflict("the campaign is completed; its budget is final", code="campaign_completed")
    if budget_usd is not None and budget_usd < 0:
        raise InvalidInput("a budget is not negative", code="invalid_budget")
    await conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(capital_budget_usd=budget_usd))
    await _event(conn, "campaign", campaign_id, "capital.campaign_budget_changed",
                 {"from": str(campaign.capital_budget_usd) if campaign.capital_budget_usd is not None else None,
                  "to": str(budget_usd) if budget_usd is not None else None}, now, campaign.tenant_id)
    return campaign.model_copy(update={"capital_budget_usd": budget_usd})


async def create_experiment(conn: AsyncConnection, body: ExperimentCreate, now: datetime) -> Experiment:
    campaign = await get_campaign(conn, body.campaign_id)
    if campaign.status is CampaignStatus.COMPLETED:
        raise Conflict("the campaign is completed; it takes no new experiments", code="campaign_completed")
    if body.primary_success_event in body.secondary_events:
        raise InvalidInput("the primary success event is not also a secondary event", code="invalid_events")
    experiment_id = uuid.uuid4()
    row = body.model_dump(exclude={"bonus_rules"})
    await conn.execute(insert(experiments).values(
        id=experiment_id, tenant_id=campaign.tenant_id, status=ExperimentStatus.PLANNED.value, created_at=now,
        **{**row, "secondary_events": [e.value for e in body.secondary_events]}))
    for rule in body.bonus_rules:
        await conn.execute(insert(bonus_rules).values(id=uuid.uuid4(), experiment_id=experiment_id, created_at=now,
                                                      **rule.model_dump()))
    experiment = await get_experiment(conn, experiment_id)
    await _event(conn, "experiment", experiment_id, "capital.experiment_created", experiment.model_dump(mode="json"),
                 now, campaign.tenant_id)
    return experiment


EVALUATION_RECOMMENDED = (
    experiments.c.evaluation_recommended_at.is_not(None)
    & ~exists().where(evaluations.c.experiment_id == experiments.c.id,
                      evaluations.c.created_at >= experiments.c.evaluation_recommended_at)
).label("evaluation_recommended")


async def get_experiment(conn: AsyncConnection, experiment_id: UUID, *, lock: bool = False) -> Experiment:
    query = select(experiments, EVALUATION_RECOMMENDED).where(experiments.c.id == experiment_id)
    row = (await conn.execute(query.with_for_update(of=experiments) if lock else query)).one_or_none()
    if row is None:
        raise NotFound(f"experiment {experiment_id} does not exist", code="experiment_not_found")
    rules = await conn.execute(select(bonus_rules).where(bonus_rules.c.experiment_id == experiment_id))
    return Experiment.model_validate({**row._mapping,
                                      "bonus_rules": [BonusRule.model_validate(dict(r._mapping)) for r in rules]})


async def list_experiments(conn: AsyncConnection, campaign_id: UUID | None) -> list[Experiment]:
    query = select(experiments.c.id).order_by(experiments.c.created_at)
    if campaign_id is not None:
        query = query.where(experiments.c.campaign_id == campaign_id)
    return [await get_experiment(conn, r.id) for r in await conn.execute(query)]


async def create_lead(conn: AsyncConnection, campaign_id: UUID, name: str, phone: str | None, now: datetime
                      ) -> dict[str, Any]:
    campaign = await get_campaign(conn, campaign_id)
    row = {"id": uuid.uuid4(), "tenant_id": campaign.tenant_id, "campaign_id": campaign_id, "name": name,
           "phone": phone, "terminal_state": None, "terminal_at": None, "created_at": now}
    await conn.execute(insert(leads).values(**row))
    return row


async def get_lead(conn: AsyncConnection, lead_id: UUID) -> dict[str, Any]:
    row = (await conn.execute(select(leads).where(leads.c.id == lead_id))).one_or_none()
    if row is None:
        raise NotFound(f"lead {lead_id} does not exist", code="lead_not_found")
    return dict(row._mapping)


async def make_terminal(conn: AsyncConnection, lead_id: UUID, state: TerminalState, at: datetime) -> dict[str, Any]:
    lead = await get_lead(conn, lead_id)
    if lead["terminal_state"] is not None:
        raise Conflict(f"lead is already {lead['terminal_state']}; terminal states are final", code="lead_terminal")
    await conn.execute(update(leads).where(leads.c.id == lead_id).values(terminal_state=state.value, terminal_at=at))
    await _event(conn, "lead", lead_id, "capital.lead_terminal", {"state": state.value, "at": at.isoformat()}, at,
                 lead["tenant_id"])
    return {**lead, "terminal_state": state.value, "terminal_at": at}


async def create_login(conn: AsyncConnection, campaign_id: UUID, email: str, person_name: str, role: str,
                       hourly_rate_usd: Decimal, now: datetime) -> dict[str, Any]:
    await get_campaign(conn, campaign_id)
    row = {"id": uuid.uuid4(), "campaign_id": campaign_id, "email": email.lower(), "person_name": person_name,
           "role": role, "hourly_rate_usd": hourly_rate_usd, "created_at": now}
    taken = Conflict(f"login {email} already belongs to a campaign: one campaign per login; use another email "
                     "for another campaign", code="login_taken")
    with refusing({"uq_team_logins_email": taken}):
        async with conn.begin_nested():
            await conn.execute(insert(team_logins).values(**row))
    return row


async def record_hours(conn: AsyncConnection, login_id: UUID, day: date, hours: Decimal) -> bool:
    """Hours are a fact per login per day: the same value again is a no-op, a different one is refused."""
    if not (await conn.execute(select(exists().where(team_logins.c.id == login_id)))).scalar():
        raise NotFound(f"login {login_id} does not exist", code="login_not_found")
    existing = (await conn.execute(select(labor_hours.c.hours).where(
        labor_hours.c.login_id == login_id, labor_hours.c.day == day))).scalar_one_or_none()
    if existing is not None:
        if Decimal(existing) != hours:
            raise Conflict(f"{existing} hours are already recorded for this login on {day}; facts are not rewritten",
                           code="hours_recorded")
        return False
    await conn.execute(insert(labor_hours).values(login_id=login_id, day=day, hours=hours))
    return True
