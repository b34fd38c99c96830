"""Bonuses: binary, once per lead milestone, eligible roles, max per period (the tenant's ISO week per login),
only while running (never backdated into a completed experiment), locked once paid, and rules fixed once the
experiment has started."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.lifecycle import Action
from tests.helpers.capital import World
from tests.helpers.capital_scenario import instant, transition_at

pytestmark = pytest.mark.integration


async def test_caps_roles_locking(world: World, capital_worker: None, engine: AsyncEngine) -> None:
    exp = await world.experiment(bonus_rules=[
        {"event_type": "schedule", "bonus_amount_usd": "50", "eligible_roles": ["sdr"], "max_per_period": 2},
        {"event_type": "paid_conversion", "bonus_amount_usd": "200.50", "eligible_roles": ["closer"]},
    ])
    closer = await world.post("/v1/team", {"campaign_id": world.campaign_id, "email": "closer@x.com",
                                           "person_name": "Cleo", "role": "closer", "hourly_rate_usd": "40"},
                              expect=201)
    start = datetime.fromisoformat((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    leads = [await world.lead() for _ in range(3)]
    got = [(await world.event(lead, "install_appointment_scheduled", start + timedelta(microseconds=i),
                              login=world.login_id))["bonus_id"] for i, lead in enumerate(leads)]
    assert [g is not None for g in got] == [True, True, False]  # max_per_period = 2
    lead = leads[0]

    wrong_role = await world.event(await world.lead(), "install_appointment_scheduled", start, login=closer["id"])
    assert wrong_role["experiment_id"] == exp and wrong_role["bonus_id"] is None
    no_login = await world.event(await world.lead(), "install_appointment_scheduled", start)
    assert no_login["bonus_id"] is None  # missing data is not counted

    body = {"external_id": "dup-1", "lead_id": lead, "type": "paid_conversion",
            "occurred_at": start.isoformat(), "login_id": closer["id"]}
    first = await world.post("/v1/performance-events", body, role="service", expect=201)
    again = await world.post("/v1/performance-events", body, role="service", expect=201)
    assert first["bonus_id"] is not None and again["duplicate"] and again["bonus_id"] is None

    await world.post(f"/v1/experiments/{exp}/pause", expect=200)
    other = await world.lead()
    paused = await world.event(other, "install_appointment_scheduled", datetime.now(UTC), login=world.login_id)
    assert paused["experiment_id"] is None and paused["bonus_id"] is None  # only while running

    listed = (await world.api.get(f"/v1/bonuses?experiment_id={exp}", headers=world.h())).json()
    assert sorted(b["amount_usd"] for b in listed) == ["200.500000", "50.000000", "50.000000"]
    paid = await world.post(f"/v1/bonuses/{got[0]}/pay", expect=200)
    assert paid["status"] == "paid"
    twice = await world.api.post(f"/v1/bonuses/{got[0]}/pay", headers=world.h())
    assert twice.status_code == 409 and twice.json()["code"] == "bonus_locked"
    async with engine.connect() as conn:
        per_event = (await conn.execute(text("SELECT count(*), count(DISTINCT event_id) FROM bonuses"))).one()
    assert per_event[0] == per_event[1] == 3  # one bonus per event


async def test_cap_per_iso_week_and_under_concurrency(world: World, engine: AsyncEngine) -> None:
    exp = await world.experiment(bonus_rules=[
        {"event_type": "install_completed", "bonus_amount_usd": "10", "eligible_roles": ["sdr"],
         "max_per_period": 1}])
    await transition_at(engine, exp, Action.START, instant(date(2026, 11, 6)))  # Friday of 2026-W45
    leads = [await world.lead() for _ in range(7)]
    sunday, monday = instant(date(2026, 11, 8), 23.9), instant(date(2026, 11, 9), 0.1)  # a UTC tenant
    results = await asyncio.gather(*(world.event(lead, "calculator_installed", sunday, login=world.login_id)
                                     for lead in leads[:6]))
    assert sum(r["bonus_id"] is not None for r in results) == 1  # the cap holds under concurrent ingestion
    assert (await world.event(leads[6], "calculator_installed", monday, login=world.login_id))["bonus_id"]  # W46
    async with engine.connect() as conn:
        periods = (await conn.execute(text("SELECT period FROM bonuses ORDER BY period"))).scalars().all()
    assert periods == ["2026-W45", "2026-W46"]


async def test_new_period_resets_the_cap(world: World, capital_worker: None) -> None:
    exp = await world.experiment(bonus_rules=[
        {"event_type": "install_completed", "bonus_amount_usd": "10", "eligible_roles": ["sdr"],
         "max_per_period": 1}])
    start = datetime.fromisoformat((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    first, second = await world.lead(), await world.lead()
    assert (await world.event(first, "calculator_installed", start, login=world.login_id))["bonus_id"]
    assert (await world.event(second, "calculator_installed", start, login=world.login_id))["bonus_id"] is None
