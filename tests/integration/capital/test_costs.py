"""Cost truth: labor = hours x rate, bonuses, Twilio and GCP (local adapters), split by running seconds,
idempotent reruns (the unique key makes double counting impossible), unmapped spend not guessed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.capital import CapitalActivities
from activities.capital_costs import LocalGcpBilling, LocalTwilioUsage
from domain.capital.lifecycle import Action
from domain.capital.messages import RollupCommand
from tests.helpers.capital import World
from tests.helpers.capital_scenario import instant, transition_at

pytestmark = pytest.mark.integration
DAY = date(2026, 10, 5)


async def rows(engine: AsyncEngine) -> dict[tuple[str | None, str], Decimal]:
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT experiment_id::text, source, cost_usd FROM cost_rollups "
                                         "WHERE date = :d"), {"d": DAY})
        return {(r[0], r[1]): Decimal(r[2]) for r in result}


async def test_rollup_splits_by_running_time_and_reruns_idempotently(world: World, engine: AsyncEngine) -> None:
    exp = await world.experiment(bonus_rules=[{"event_type": "paid_conversion", "bonus_amount_usd": "100",
                                               "eligible_roles": ["sdr"]}])
    await transition_at(engine, exp, Action.START, instant(DAY, 12))
    lead = await world.lead()
    await world.event(lead, "paid_conversion", instant(DAY, 18), login=world.login_id)  # bonus $100 on DAY
    await transition_at(engine, exp, Action.PAUSE, instant(DAY + timedelta(days=1), 0))
    await world.post("/v1/team/hours", {"login_id": world.login_id, "day": DAY.isoformat(), "hours": "7.5"},
                     role="service", expect=201)  # 7.5 x $30 = $225
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "twilio", "external_key": "AC1"},
                     expect=201)
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "gcp", "external_key": "p1"},
                     expect=201)
    async with engine.begin() as conn:
        for sid, category, price in [("AC1", "totalprice", "40.10"), ("AC1", "calls", "40.10"),
                                     ("ACother", "totalprice", "999")]:
            await conn.execute(text(
                "INSERT INTO twilio_usage_records (account_sid, category, start_date, end_date, usage, usage_unit, "
                "count, price, price_unit) VALUES (:a, :c, :d, :d, 10, 'minutes', 3, :p, 'usd')"),
                {"a": sid, "c": category, "d": DAY, "p": Decimal(price)})
        for project, at, cost, credit in [("p1", instant(DAY, 1), "10", "-1"), ("p1", instant(DAY, 23.9), "5.5", "0"),
                                          ("p1", instant(DAY + timedelta(days=1), 0), "700", "0"),
                                          ("unmapped", instant(DAY, 3), "800", "0")]:
            await conn.execute(text(
                "INSERT INTO gcp_billing_export (project_id, service_description, sku_description, usage_start_time, "
                "usage_end_time, cost, credits_amount, currency) VALUES (:p, 's', 'k', :t, :t, :c, :cr, 'USD')"),
                {"p": project, "t": at, "c": Decimal(cost), "cr": Decimal(credit)})
    activities = CapitalActivities(engine, LocalTwilioUsage(engine), LocalGcpBilling(engine))
    for _ in range(3):
        await activities.rollup_costs(RollupCommand(day=DAY, at=datetime.now(UTC)))
    got = await rows(engine)
    half = Decimal("0.5")
    assert got == {
        (exp, "labor"): Decimal(225) * half, (None, "labor"): Decimal(225) * half,
        (exp, "twilio"): Decimal("20.05"), (None, "twilio"): Decimal("20.05"),
        (exp, "gcp"): Decimal("7.25"), (None, "gcp"): Decimal("7.25"),
        (exp, "bonus"): Decimal(100),
    }
    with pytest.raises(IntegrityError, match="uq_cost_rollups"):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd) "
                                    "VALUES (:d, :c, NULL, 'labor', 1)"), {"d": DAY, "c": world.campaign_id})
    conflict = await world.api.post("/v1/team/hours", headers=world.h("service"),
                                    json={"login_id": world.login_id, "day": DAY.isoformat(), "hours": "9"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "hours_recorded"


async def test_one_campaign_per_login(world: World) -> None:
    other = await world.post("/v1/campaigns", {"product_id": world.product_id, "name": "Inbound", "owner_user_id": "o",
                                               "start_date": "2026-11-01"}, expect=201)
    first = await world.post("/v1/team", {"campaign_id": world.campaign_id, "email": "pat@x.com",
                                          "person_name": "Pat", "role": "sdr", "hourly_rate_usd": "30"}, expect=201)
    again = await world.api.post("/v1/team", headers=world.h(), json={
        "campaign_id": other["id"], "email": "PAT@x.com", "person_name": "Pat", "role": "sdr",
        "hourly_rate_usd": "30"})
    assert again.status_code == 409 and again.json()["code"] == "login_taken"
    second = await world.post("/v1/team", {"campaign_id": other["id"], "email": "pat+inbound@x.com",
                                           "person_name": "Pat", "role": "sdr", "hourly_rate_usd": "30"}, expect=201)
    assert first["id"] != second["id"]
    lead = await world.lead()
    wrong = await world.api.post("/v1/dialer/calls", headers=world.h("service"), json={
        "lead_id": lead, "login_id": second["id"], "started_at": "2026-11-01T00:00:00Z", "duration_s": 30,
        "outcome": "Busy", "twilio_call_sid": "CAx1"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "login_not_in_campaign"


async def test_voice_calls_cost_lands_in_the_campaigns_rollup(world: World, engine: AsyncEngine) -> None:
    voice_tenant = "5f0c1b2e-0000-4000-8000-000000000001"
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "voice",
                                                                          "external_key": voice_tenant}, expect=201)
    async with engine.begin() as conn:
        # The voice tenant is not the campaign's tenant: the cost source maps it. A smoke call is the platform's.
        for sid, line, day, amount, purpose in [("CA1", "telephony", DAY, "0.028", "live"),
                                                ("CA1", "stt", DAY, "0.0077", "live"),
                                                ("CA2", "telephony", DAY + timedelta(days=1), "5", "live"),
                                                ("CA3", "telephony", DAY, "7", "smoke")]:
            await conn.execute(text(
                "INSERT INTO call_cost_lines (call_sid, line, tenant_id, component, basis, quantity, unit, rate_usd, "
                "amount_usd, day, core_version, detail, started_at, purpose) VALUES (:s, :l, :t, :l, 'rate', 1, "
                "'minute', :a, :a, :d, '0.1.0', '{}', now(), :p)"), {"s": sid, "l": line, "t": voice_tenant, "d": day,
                                                                      "a": Decimal(amount), "p": purpose})
    activities = CapitalActivities(engine, LocalTwilioUsage(engine), LocalGcpBilling(engine))
    await activities.rollup_costs(RollupCommand(day=DAY, at=datetime.now(UTC)))
    await activities.rollup_costs(RollupCommand(day=DAY, at=datetime.now(UTC)))
    assert await rows(engine) == {(None, "voice"): Decimal("0.0357")}
