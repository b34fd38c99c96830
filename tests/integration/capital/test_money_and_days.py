"""Cost truth in the tenant's currency and days: provider costs converted at a recorded rate or refused
(never added to USD as they are), one account split across campaigns by share, rollups on the tenant's
calendar days (Sydney: midnight is 13:00 UTC; a 23-hour day), and bonuses once per lead milestone,
never backdated into a completed experiment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.capital import CapitalActivities
from activities.capital_costs import LocalGcpBilling, LocalTwilioUsage
from domain.capital.lifecycle import Action
from domain.capital.messages import RollupCommand
from tests.helpers.capital import World, make_world
from tests.helpers.capital_scenario import instant, transition_at

pytestmark = pytest.mark.integration
DAY = date(2026, 10, 5)


async def usage(engine: AsyncEngine, sid: str, day: date, price: str, unit: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO twilio_usage_records (account_sid, category, start_date, end_date, usage, usage_unit, count, "
            "price, price_unit) VALUES (:a, 'totalprice', :d, :d, 1, 'minutes', 1, :p, :u)"),
            {"a": sid, "d": day, "p": Decimal(price), "u": unit})


async def billing(engine: AsyncEngine, project: str, at: datetime, cost: str, currency: str = "USD") -> None:
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO gcp_billing_export (project_id, service_description, sku_description, usage_start_time, "
            "usage_end_time, cost, credits_amount, currency) VALUES (:p, 's', 'k', :t, :t, :c, 0, :cur)"),
            {"p": project, "t": at, "c": Decimal(cost), "cur": currency})


async def rollup(engine: AsyncEngine, day: date) -> dict[tuple[str, str | None, str], Decimal]:
    await CapitalActivities(engine, LocalTwilioUsage(engine), LocalGcpBilling(engine)).rollup_costs(
        RollupCommand(day=day, at=datetime.now(UTC)))
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT campaign_id::text, experiment_id::text, source, cost_usd "
                                       "FROM cost_rollups WHERE date = :d"), {"d": day})
        return {(r[0], r[1], r[2]): Decimal(r[3]) for r in rows}


async def test_other_currencies_convert_at_a_recorded_rate_or_are_refused(world: World, engine: AsyncEngine) -> None:
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "twilio", "external_key": "ACau"},
                     expect=201)
    await usage(engine, "ACau", DAY, "10", "usd")
    await usage(engine, "ACau", DAY, "100", "aud")
    got = await rollup(engine, DAY)
    assert got == {(world.campaign_id, None, "twilio"): Decimal(10)}  # the AUD is not added as if it were USD
    refused = (await world.api.get("/v1/costs/refusals", params={"day": DAY.isoformat()}, headers=world.h())).json()
    assert [(r["currency"], Decimal(r["amount"])) for r in refused] == [("AUD", Decimal(100))]
    assert "no USD rate recorded for AUD on or before 2026-10-05" in refused[0]["reason"]

    bad = await world.api.post("/v1/fx-rates", json={"currency": "aud", "effective_date": "2026-10-01",
                                                     "usd_per_unit": "0.65", "source": "x"}, headers=world.h())
    assert bad.status_code == 422
    await world.post("/v1/fx-rates", {"currency": "AUD", "effective_date": "2026-10-01", "usd_per_unit": "0.65",
                                      "source": "RBA 2026-10-01"}, expect=201)
    await world.post("/v1/fx-rates", {"currency": "AUD", "effective_date": "2026-10-06", "usd_per_unit": "0.9",
                                      "source": "later"}, expect=201)  # not yet in force on DAY
    got = await rollup(engine, DAY)
    assert got == {(world.campaign_id, None, "twilio"): Decimal("75")}  # 10 USD + 100 AUD x 0.65
    assert (await world.api.get("/v1/costs/refusals", params={"day": DAY.isoformat()}, headers=world.h())).json() == []
    async with engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            await conn.execute(text("UPDATE fx_rates SET usd_per_unit = 1"))


async def test_one_account_split_across_campaigns_by_share(world: World, engine: AsyncEngine) -> None:
    other = (await world.post("/v1/campaigns", {"product_id": world.product_id, "name": "Inbound", "owner_user_id": "o",
                                                "status": "active", "start_date": "2026-10-01"}, expect=201))["id"]
    third = (await world.post("/v1/campaigns", {"product_id": world.product_id, "name": "Partners",
                                                "owner_user_id": "o", "status": "active",
                                                "start_date": "2026-10-01"}, expect=201))["id"]
    path = "/v1/campaigns/{}/cost-sources"
    await world.post(path.format(world.campaign_id), {"source": "gcp", "external_key": "shared", "share": "0.6"},
                     expect=201)
    await world.post(path.format(other), {"source": "gcp", "external_key": "shared", "share": "0.4"}, expect=201)
    over = await world.api.post(path.format(third), json={"source": "gcp", "external_key": "shared", "share": "0.01"},
                                headers=world.h())
    assert over.status_code == 409 and over.json()["code"] == "cost_source_taken"
    await billing(engine, "shared", instant(DAY, 10), "50")
    got = await rollup(engine, DAY)
    assert got == {(world.campaign_id, None, "gcp"): Decimal(30), (other, None, "gcp"): Decimal(20)}


async def test_rollups_and_dates_are_the_tenants_days(api, keys, engine: AsyncEngine) -> None:
    world = await make_world(api, keys, timezone="Australia/Sydney")
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "gcp", "external_key": "syd"},
                     expect=201)
    # 2026-10-04 in Sydney: 2026-10-03 14:00 UTC to 2026-10-04 13:00 UTC (clocks go forward: 23 hours).
    await billing(engine, "syd", datetime(2026, 10, 3, 13, 30, tzinfo=UTC), "1")  # 23:30 on the 3rd, Sydney
    await billing(engine, "syd", datetime(2026, 10, 3, 14, 30, tzinfo=UTC), "10")  # 01:30 on the 4th
    await billing(engine, "syd", datetime(2026, 10, 4, 12, 30, tzinfo=UTC), "20")  # 23:30 on the 4th
    await billing(engine, "syd", datetime(2026, 10, 4, 13, 30, tzinfo=UTC), "300")  # 00:30 on the 5th
    exp = await world.experiment()
    await transition_at(engine, exp, Action.START, datetime(2026, 10, 4, 2, 0, tzinfo=UTC))  # 13:00 on the 4th
    got = await rollup(engine, date(2026, 10, 4))
    run_share = Decimal(11 * 3600) / Decimal(23 * 3600)  # 13:00 to midnight of a 23-hour day
    expected = (Decimal(30) * run_share).quantize(Decimal("0.000001"))
    assert got == {(world.campaign_id, exp, "gcp"): expected, (world.campaign_id, None, "gcp"): Decimal(30) - expected}
    body = (await world.api.get(f"/v1/experiments/{exp}", headers=world.h())).json()
    assert body["start_date"] == "2026-10-04"
    late = await world.experiment(campaign_id=(await world.post("/v1/campaigns", {
        "product_id": world.product_id, "name": "Evening", "owner_user_id": "o", "status": "active",
        "start_date": "2026-10-01"}, expect=201))["id"])
    await transition_at(engine, late, Action.START, datetime(2026, 10, 4, 13, 30, tzinfo=UTC))  # 00:30 on the 5th
    body = (await world.api.get(f"/v1/experiments/{late}", headers=world.h())).json()
    assert body["start_date"] == "2026-10-05"  # the tenant's date; in UTC it is still the 4th


async def test_a_lead_milestone_pays_once_and_never_into_a_completed_experiment(world: World,
                                                                               engine: AsyncEngine) -> None:
    rules = [{"event_type": "schedule", "bonus_amount_usd": "25", "eligible_roles": ["sdr"], "max_per_period": 10}]
    exp = await world.experiment(bonus_rules=rules)
    start = datetime.now(UTC) - timedelta(hours=2)
    await transition_at(engine, exp, Action.START, start)
    lead = await world.lead()
    first = await world.event(lead, "install_appointment_scheduled", start + timedelta(minutes=5),
                              login=world.login_id)
    again = await world.event(lead, "install_appointment_scheduled", start + timedelta(minutes=50),
                              login=world.login_id)  # rescheduled: the same milestone, another event id
    assert first["bonus_id"] is not None
    assert again["experiment_id"] == exp and again["bonus_id"] is None
    assert again["bonus_refused"] == "milestone_already_paid"
    await transition_at(engine, exp, Action.COMPLETE, start + timedelta(hours=1))
    other = await world.lead()
    backdated = await world.event(other, "install_appointment_scheduled", start + timedelta(minutes=30),
                                  login=world.login_id)
    assert backdated["experiment_id"] == exp  # the fact belongs to the experiment that ran then
    assert backdated["bonus_id"] is None and backdated["bonus_refused"] == "experiment_not_running"
    async with engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM bonuses WHERE experiment_id = :e"), {"e": exp})
                 ).scalar()
        with pytest.raises(Exception, match="uq_bonuses_milestone"):
            await conn.execute(text(
                "INSERT INTO bonuses (id, experiment_id, rule_id, event_id, login_id, period, amount_usd, earned_at, "
                "status, lead_id, milestone) SELECT gen_random_uuid(), experiment_id, rule_id, "
                "(SELECT max(id) FROM canonical_events), login_id, period, amount_usd, earned_at, 'earned', lead_id, "
                "milestone FROM bonuses WHERE experiment_id = :e"), {"e": exp})
    assert count == 1
