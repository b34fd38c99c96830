"""A seeded week of capital truth, written through the same repository code the API and workflows use,
with instants in the past; and an independent model that computes what the weekly summary must say
from the raw generated rows alone (no SQL, no cost_rollups)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.capital import CapitalActivities
from activities.capital_costs import LocalGcpBilling, LocalTwilioUsage
from domain.capital.facts import DialerCallIn, PerformanceEventIn, derived_events
from domain.capital.lifecycle import Action
from domain.capital.messages import RollupCommand, TransitionCommand
from domain.capital.models import DialerOutcome, EventType
from infra.db import capital_facts, capital_lifecycle

WEEK = "2026-W45"  # Monday 2026-11-02 .. Sunday 2026-11-08
MONDAY = date(2026, 11, 2)
FIRST_DAY = MONDAY - timedelta(days=3)  # B1 starts the Friday before, so spend_total > spend_week
LAST_DAY = MONDAY + timedelta(days=8)
COUNTED = {"qpc": "qpcs", "install_appointment_scheduled": "schedules", "calculator_installed": "installs",
           "paid_conversion": "paid_conversions"}


def instant(day: date, hour: float = 0) -> datetime:
    return datetime.combine(day, time(), UTC) + timedelta(hours=hour)


@dataclass
class Model:
    runs: dict[str, list[tuple[datetime, datetime | None]]] = field(default_factory=dict)
    campaign_of: dict[str, str] = field(default_factory=dict)  # experiment -> campaign
    lead_campaign: dict[str, str] = field(default_factory=dict)
    terminal_at: dict[str, datetime] = field(default_factory=dict)
    daily_cost: dict[tuple[str, date], Decimal] = field(default_factory=dict)  # (campaign, day) -> labor+twilio+gcp
    bonus: dict[tuple[str, date], Decimal] = field(default_factory=dict)  # (experiment, day)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    milestones: set[tuple[str, str]] = field(default_factory=set)  # (experiment, lead) schedules already paid

    def running_now(self, exp: str) -> bool:
        return bool(self.runs.get(exp)) and self.runs[exp][-1][1] is None

    def owner(self, campaign: str, at: datetime, lead: str) -> str | None:
        if lead in self.terminal_at and at > self.terminal_at[lead]:
            return None
        for exp, runs in self.runs.items():
            if self.campaign_of[exp] == campaign and any(s <= at and (e is None or at < e) for s, e in runs):
                return exp
        return None

    def count(self, exp: str | None, kind: str, at: datetime) -> None:
        week_start = instant(MONDAY)
        if exp and kind in COUNTED and week_start <= at < week_start + timedelta(days=7):
            self.counts.setdefault(exp, {}).setdefault(COUNTED[kind], 0)
            self.counts[exp][COUNTED[kind]] += 1

    def share(self, exp: str, day: date) -> Decimal:
        start, end = instant(day), instant(day + timedelta(days=1))
        seconds = sum(max(0.0, (min(e or end, end) - max(s, start)).total_seconds()) for s, e in self.runs[exp])
        cost = self.daily_cost.get((self.campaign_of[exp], day), Decimal(0))
        part = (cost * Decimal(str(seconds)) / Decimal(86400)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
        return part + self.bonus.get((exp, day), Decimal(0))

    def spend(self, exp: str, until: date, since: date = FIRST_DAY) -> Decimal:
        days = [since + timedelta(days=i) for i in range((until - since).days)]
        return sum((self.share(exp, d) for d in days), Decimal(0))


async def transition_at(engine: AsyncEngine, exp: str, action: Action, at: datetime) -> None:
    async with engine.begin() as conn:
        await capital_lifecycle.apply_transition(conn, TransitionCommand(
            transition_id=uuid.uuid4().hex, experiment_id=uuid.UUID(exp), action=action, at=at, actor="seed"))


async def seed_lifecycles(engine: AsyncEngine, model: Model, a1: str, a2: str, b1: str) -> None:
    plan = [(b1, Action.START, instant(FIRST_DAY, 9)), (a1, Action.START, instant(MONDAY)),
            (a1, Action.PAUSE, instant(MONDAY + timedelta(days=2), 12)),
            (a2, Action.START, instant(MONDAY + timedelta(days=3), 6.5))]
    for exp, action, at in plan:
        await transition_at(engine, exp, action, at)
        runs = model.runs.setdefault(exp, [])
        if action is Action.START:
            runs.append((at, None))
        else:
            runs[-1] = (runs[-1][0], at)
    async with engine.begin() as conn:  # A1 is flagged and not yet evaluated; B1 was flagged and then evaluated
        await capital_lifecycle.flag_evaluation(conn, uuid.UUID(a1), instant(MONDAY + timedelta(days=2), 12))
        await capital_lifecycle.flag_evaluation(conn, uuid.UUID(b1), instant(MONDAY, 1))
        await conn.execute(text(
            "INSERT INTO evaluations VALUES (gen_random_uuid(), :e, :at, 5000, 100000, 1000, 'continue', 'pitch', "
            "'keep going', '', gen_random_uuid())"), {"e": b1, "at": instant(MONDAY, 2)})


async def seed_costs(engine: AsyncEngine, model: Model, rng: random.Random,
                     logins: dict[str, list[tuple[str, Decimal]]], keys: dict[str, tuple[str, str]]) -> None:
    async with engine.begin() as conn:
        for day in (FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days)):
            for campaign, members in logins.items():
                total = Decimal(0)
                for login, rate in members:
                    hours = Decimal(rng.randint(0, 16)) / 2
                    await conn.execute(text("INSERT INTO labor_hours (login_id, day, hours) VALUES (:l, :d, :h)"),
                                       {"l": login, "d": day, "h": hours})
                    total += hours * rate
                twilio_sid, project = keys[campaign]
                for _ in range(3):
                    price = Decimal(rng.randint(0, 5000)) / 100
                    await conn.execute(text(
                        "INSERT INTO twilio_usage_records (account_sid, category, start_date, end_date, usage, "
                        "usage_unit, count, price, price_unit) VALUES (:a, :c, :d, :d, 1, 'minutes', 1, :p, 'usd')"),
                        {"a": twilio_sid, "c": "totalprice", "d": day, "p": price})
                    total += price
                await conn.execute(text(  # a non-total category is not spend twice
                    "INSERT INTO twilio_usage_records (account_sid, category, start_date, end_date, usage, usage_unit, "
                    "count, price, price_unit) VALUES (:a, 'calls', :d, :d, 1, 'minutes', 1, 999, 'usd')"),
                    {"a": twilio_sid, "d": day})
                for _ in range(4):
                    cost, credit = Decimal(rng.randint(0, 9000)) / 1000, -Decimal(rng.randint(0, 500)) / 1000
                    at = instant(day, rng.uniform(0, 23.99))
                    await conn.execute(text(
                        "INSERT INTO gcp_billing_export (project_id, service_description, sku_description, "
                        "usage_start_time, usage_end_time, cost, credits_amount, currency) "
                        "VALUES (:p, 'Compute Engine', 'N2 core', :s, :s, :c, :cr, 'USD')"),
                        {"p": project, "s": at, "c": cost, "cr": credit})
                    total += cost + credit
                model.daily_cost[(campaign, day)] = total


def random_instant(rng: random.Random) -> datetime:
    return instant(FIRST_DAY) + timedelta(seconds=rng.uniform(0, (LAST_DAY - FIRST_DAY).days * 86400 - 1))


async def seed_facts(engine: AsyncEngine, model: Model, rng: random.Random, leads: dict[str, list[str]],
                     logins: dict[str, list[tuple[str, Decimal]]], roles: dict[str, str], now: datetime) -> None:
    dnc_lead = leads[next(iter(leads))][0]
    model.terminal_at[dnc_lead] = instant(MONDAY + timedelta(days=1), 12)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE leads SET terminal_state = 'do_not_contact', terminal_at = :t WHERE id = :l"),
                           {"t": model.terminal_at[dnc_lead], "l": dnc_lead})
    items: list[tuple[datetime, Any]] = []
    for campaign, campaign_leads in leads.items():
        for _ in range(250):
            lead, login = rng.choice(campaign_leads), rng.choice(logins[campaign])[0]
            items.append((random_instant(rng), DialerCallIn(
                lead_id=lead, login_id=login, started_at=random_instant(rng).replace(microsecond=0),
                duration_s=rng.choice([0, 5, 11, 60, 149, 150, 151, 400]), outcome=rng.choice(list(DialerOutcome)),
                twilio_call_sid=f"CA{uuid.uuid4().hex}")))
        paid_leads = set(rng.sample(campaign_leads[1:], 5))
        for _ in range(60):
            kind = rng.choice([EventType.INSTALL_APPOINTMENT_SCHEDULED, EventType.INSTALL_APPOINTMENT_ATTENDED,
                               EventType.CALCULATOR_INSTALLED])
            items.append((datetime.min.replace(tzinfo=UTC), PerformanceEventIn(
                external_id=uuid.uuid4().hex, lead_id=rng.choice(campaign_leads), type=kind,
                occurred_at=random_instant(rng), login_id=rng.choice(logins[campaign])[0])))
        for lead in paid_leads:
            items.append((datetime.min.replace(tzinfo=UTC), PerformanceEventIn(
                external_id=uuid.uuid4().hex, lead_id=lead, type=EventType.PAID_CONVERSION,
                occurred_at=random_instant(rng), login_id=rng.choice(logins[campaign])[0])))
    items.sort(key=lambda i: i[1].started_at if isinstance(i[1], DialerCallIn) else i[1].occurred_at)
    for _, item in items:
        await _ingest(engine, model, item, roles, now)


async def _ingest(engine: AsyncEngine, model: Model, item: Any, roles: dict[str, str], now: datetime) -> None:
    campaign = model.lead_campaign[str(item.lead_id)]
    lead = str(item.lead_id)
    async with engine.begin() as conn:
        if isinstance(item, DialerCallIn):
            await capital_facts.ingest_calls(conn, [item], now)
            owner = model.owner(campaign, item.started_at, lead)
            for kind in derived_events(item.duration_s, item.outcome):
                model.count(owner, kind.value, item.started_at)
            return
        await capital_facts.ingest_event(conn, item, now)
    owner = model.owner(campaign, item.occurred_at, lead)
    model.count(owner, item.type.value, item.occurred_at)
    # A bonus: only while the experiment runs (now, at ingestion), once per lead milestone.
    if (owner and item.type is EventType.INSTALL_APPOINTMENT_SCHEDULED and roles[str(item.login_id)] == "sdr"
            and model.running_now(owner) and (owner, lead) not in model.milestones):
        model.milestones.add((owner, lead))
        key = (owner, item.occurred_at.date())
        model.bonus[key] = model.bonus.get(key, Decimal(0)) + Decimal(25)
    if item.type is EventType.PAID_CONVERSION and lead not in model.terminal_at:
        model.terminal_at[lead] = item.occurred_at


async def rollup_all(engine: AsyncEngine) -> None:
    activities = CapitalActivities(engine, LocalTwilioUsage(engine), LocalGcpBilling(engine))
    for day in (FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days)):
        await activities.rollup_costs(RollupCommand(day=day, at=datetime.now(UTC)))
    await activities.rollup_costs(RollupCommand(day=MONDAY, at=datetime.now(UTC)))  # a rerun never double counts
