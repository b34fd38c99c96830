"""A seeded week: the weekly summary equals totals computed independently from the raw rows;
served as JSON, HTML and CSV; the Temporal schedules exist and run the summary workflow."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from infra.settings import Settings
from infra.temporal.schedules_capital import ensure_capital_schedules, schedule_ids
from tests.helpers import capital_scenario as scenario
from tests.helpers.capital import World
from tests.helpers.polling import until

pytestmark = pytest.mark.integration
BONUS = [{"event_type": "schedule", "bonus_amount_usd": "25", "eligible_roles": ["sdr"]}]


async def seeded(world: World, engine: AsyncEngine) -> tuple[scenario.Model, dict[str, str]]:
    rng = random.Random(45)
    model = scenario.Model()
    start = scenario.FIRST_DAY.isoformat()
    campaign_b = (await world.post("/v1/campaigns", {"product_id": world.product_id, "name": "Founder demos",
                                                     "owner_user_id": "o", "status": "active", "start_date": start},
                                   expect=201))["id"]
    campaigns = {"A": world.campaign_id, "B": campaign_b}
    logins: dict[str, list[tuple[str, Decimal]]] = {world.campaign_id: [(world.login_id, Decimal(30))], campaign_b: []}
    roles = {world.login_id: "sdr"}
    for campaign, role, rate in [(world.campaign_id, "closer", "45.5"), (campaign_b, "sdr", "28"),
                                 (campaign_b, "closer", "52.25")]:
        login = await world.post("/v1/team", {"campaign_id": campaign, "email": f"{role}-{rng.random()}@x.com",
                                              "person_name": role, "role": role, "hourly_rate_usd": rate}, expect=201)
        logins[campaign].append((login["id"], Decimal(rate)))
        roles[login["id"]] = role
    keys = {world.campaign_id: ("ACaaa", "proj-a"), campaign_b: ("ACbbb", "proj-b")}
    for campaign, (sid, project) in keys.items():
        await world.post(f"/v1/campaigns/{campaign}/cost-sources", {"source": "twilio", "external_key": sid},
                         expect=201)
        await world.post(f"/v1/campaigns/{campaign}/cost-sources", {"source": "gcp", "external_key": project},
                         expect=201)
    exps = {name: await world.experiment(campaigns[name[0]], name=name, bonus_rules=BONUS)
            for name in ("A1", "A2", "B1")}
    for name, exp in exps.items():
        model.campaign_of[exp] = campaigns[name[0]]
    leads = {c: [await world.lead(c) for _ in range(12)] for c in campaigns.values()}
    model.lead_campaign = {lead: c for c, ls in leads.items() for lead in ls}
    await scenario.seed_lifecycles(engine, model, exps["A1"], exps["A2"], exps["B1"])
    await scenario.seed_costs(engine, model, rng, logins, keys)
    await scenario.seed_facts(engine, model, rng, leads, logins, roles, datetime.now(UTC))
    await scenario.rollup_all(engine)
    return model, exps


@pytest.mark.slow
async def test_weekly_summary_matches_independent_totals(world: World, engine: AsyncEngine) -> None:
    model, exps = await seeded(world, engine)
    response = await world.api.get(f"/v1/reports/weekly?week={scenario.WEEK}", headers=world.h())
    assert response.status_code == 200, response.text
    summary = response.json()
    rows = {r["experiment_name"]: r for r in summary["rows"]}
    assert set(rows) == {"A1", "A2", "B1"}
    end = scenario.MONDAY.replace(day=scenario.MONDAY.day + 7)
    for name, exp in exps.items():
        row = rows[name]
        week = model.spend(exp, end, since=scenario.MONDAY)
        total = model.spend(exp, end)
        assert Decimal(row["spend_week_usd"]) == week, name
        assert Decimal(row["spend_total_usd"]) == total, name
        assert Decimal(row["tranches_consumed"]) == (total / 1000).quantize(Decimal("0.0001")), name
        counts = model.counts.get(exp, {})
        for field in ("qpcs", "schedules", "installs", "paid_conversions"):
            assert row[field] == counts.get(field, 0), (name, field)
    assert rows["A1"]["evaluation_recommended"] is True and rows["B1"]["evaluation_recommended"] is False
    assert rows["A2"]["evaluation_recommended"] is False
    assert sum(model.counts[e].get("qpcs", 0) for e in exps.values()) > 10  # the scenario is not trivially empty
    assert rows["A1"]["spend_week_usd"] != "0" and Decimal(rows["B1"]["spend_total_usd"]) > Decimal(
        rows["B1"]["spend_week_usd"])
    totals = summary["totals"]
    assert Decimal(totals["spend_week_usd"]) == sum(Decimal(r["spend_week_usd"]) for r in rows.values())

    html = await world.api.get(f"/v1/reports/weekly?week={scenario.WEEK}&format=html", headers=world.h())
    assert html.headers["content-type"].startswith("text/html") and "A1" in html.text and scenario.WEEK in html.text
    as_csv = await world.api.get(f"/v1/reports/weekly?week={scenario.WEEK}",
                                 headers={**world.h(), "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["experiment_name"]: r["qpcs"] for r in parsed} == {n: str(r["qpcs"]) for n, r in rows.items()}

    signals = (await world.api.get(f"/v1/experiments/{exps['B1']}/signals", headers=world.h())).json()
    assert Decimal(signals["spend_usd"]) == model.spend(exps["B1"], scenario.LAST_DAY)
    assert len(signals["tranches"]) >= 1 and signals["installs_trend"] in {
        "improving", "flat", "declining", "insufficient_data"}


async def test_weekly_refusals(world: World) -> None:
    bad = await world.api.get("/v1/reports/weekly?week=2026-48", headers=world.h())
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_week"
    live = await world.api.get(f"/v1/reports/weekly?week={datetime.now(UTC).strftime('%G-W%V')}", headers=world.h())
    assert live.status_code == 409 and live.json()["code"] == "week_not_closed"
    operator = await world.api.get(f"/v1/reports/weekly?week={scenario.WEEK}", headers=world.h("operator"))
    assert operator.status_code == 403


@pytest.mark.slow
async def test_schedules_are_created_once_and_run(world: World, engine: AsyncEngine, capital_worker: None,
                                                 temporal_client: Client, settings: Settings) -> None:
    assert len(await ensure_capital_schedules(temporal_client, settings)) == 3
    assert await ensure_capital_schedules(temporal_client, settings) == []
    rollup_id, weekly_id = schedule_ids(settings)
    try:
        await temporal_client.get_schedule_handle(weekly_id).trigger()

        async def stored_weeks() -> list[str]:
            async with engine.connect() as conn:
                return list((await conn.execute(text("SELECT week FROM weekly_summaries"))).scalars().all())
        assert await until(stored_weeks, every=0.1)  # the scheduled run (previous ISO week) stored its summary
    finally:
        for schedule_id in (rollup_id, weekly_id):
            await temporal_client.get_schedule_handle(schedule_id).delete()
