"""The stop-loss governor: 80%/90% alerts once each, stop-loss on the time cap and on the capital cap,
and the override doctrine (no override without an evaluation). One time-cap "day" is one second here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers.capital import World
from tests.helpers.polling import until

pytestmark = pytest.mark.integration


async def wait_for(world: World, exp: str, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The experiment as the API shows it, once `predicate` holds for it."""
    async def read() -> dict[str, Any]:
        return dict((await world.api.get(f"/v1/experiments/{exp}", headers=world.h())).json())
    return await until(read, accept=predicate, every=0.1)


def kinds(body: dict[str, Any]) -> list[str]:
    return [a["kind"] for a in body["alerts"]]


def evaluation(verdict: str = "continue", time_cap_days: str = "4", capital_cap_usd: str = "5000") -> dict[str, Any]:
    return {"capital_cap_usd": capital_cap_usd, "time_cap_days": time_cap_days, "tranche_size_usd": "1000",
            "verdict": verdict, "reason": "inconclusive", "recommended_next_action": "one more tranche",
            "admin_notes": "signals are thin"}


async def test_time_cap_alerts_stop_loss_and_override(world: World, capital_worker: None) -> None:
    exp = await world.experiment(time_cap_days="2")
    await world.post(f"/v1/experiments/{exp}/start", expect=200)
    body = await wait_for(world, exp, lambda b: b["status"] == "paused")
    assert kinds(body) == ["time_80", "time_90", "stop_loss_time"]
    assert body["pause_reason"] == "stop_loss" and body["evaluation_recommended"] is True
    run = body["runs"][-1]
    assert run["stopped_at"] is not None
    elapsed = (datetime.fromisoformat(run["stopped_at"]) - datetime.fromisoformat(run["started_at"]))
    assert timedelta(seconds=2) <= elapsed < timedelta(seconds=10)  # 2 "days" of 1 s; slack for a loaded CI
    lead = await world.lead()
    assert (await world.call(lead, datetime.now(UTC)))["attributed"] == 0  # attribution stops

    start_again = await world.api.post(f"/v1/experiments/{exp}/start", headers=world.h())
    assert start_again.status_code == 409 and start_again.json()["code"] == "stop_loss_requires_override"
    missing = await world.api.post(f"/v1/experiments/{exp}/override", json={"rationale": "trust me"},
                                   headers=world.h())
    assert missing.status_code == 422 and "evaluation_id" in missing.json()["message"]
    unknown = await world.api.post(f"/v1/experiments/{exp}/override", headers=world.h(),
                                   json={"rationale": "trust me", "evaluation_id": "00000000-0000-0000-0000-0000000000"
                                                                                   "00"})
    assert unknown.status_code == 409 and unknown.json()["code"] == "override_requires_evaluation"

    stop = await world.post(f"/v1/experiments/{exp}/evaluations", evaluation("stop"), expect=201)
    refused = await world.api.post(f"/v1/experiments/{exp}/override", headers=world.h(),
                                   json={"rationale": "ignore the verdict", "evaluation_id": stop["id"]})
    assert refused.status_code == 409 and refused.json()["code"] == "evaluation_not_continue"

    go_on = await world.post(f"/v1/experiments/{exp}/evaluations", evaluation("continue", "60"), expect=201)
    resumed = await world.post(f"/v1/experiments/{exp}/override", {"rationale": "new pitch deserves a tranche",
                                                                   "evaluation_id": go_on["id"]}, expect=200)
    assert resumed["status"] == "running"
    body = await wait_for(world, exp, lambda b: b["status"] == "running")
    assert body["evaluation_recommended"] is False and Decimal(body["time_cap_days"]) == 60
    assert (await world.call(lead, datetime.now(UTC)))["attributed"] == 1  # attribution resumes
    await world.post(f"/v1/experiments/{exp}/terminate", expect=200)


async def _usage(engine: AsyncEngine, day: Any, amount: Decimal) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO twilio_usage_records (account_sid, category, start_date, end_date, usage, usage_unit, count, "
            "price, price_unit) VALUES ('ACcap', 'totalprice', :d, :d, 1, 'usd', 1, :p, 'usd')"),
            {"d": day, "p": amount})


async def test_capital_cap_alerts_and_stop_loss_from_rollups(world: World, capital_worker: None,
                                                            engine: AsyncEngine) -> None:
    exp = await world.experiment(capital_cap_usd="1000", tranche_size_usd="250")
    await world.post(f"/v1/campaigns/{world.campaign_id}/cost-sources", {"source": "twilio", "external_key": "ACcap"},
                     expect=201)
    start = datetime.fromisoformat((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    day = start.date()
    midnight = datetime.combine(day + timedelta(days=1), time(), UTC)
    share = Decimal((midnight - start).total_seconds()) / Decimal(86400)  # the experiment's part of today

    async def spend_to(target: Decimal, already: Decimal) -> Decimal:
        await _usage(engine, day, (target - already) / share)
        result = await world.post("/v1/costs/rollups", {"day": day.isoformat()}, expect=200)
        return Decimal(result["spend_by_experiment"][exp])

    spent = await spend_to(Decimal(850), Decimal(0))
    body = await wait_for(world, exp, lambda b: "capital_80" in kinds(b))
    assert kinds(body) == ["capital_80"] and body["status"] == "running"
    spent = await spend_to(Decimal(920), spent)
    body = await wait_for(world, exp, lambda b: "capital_90" in kinds(b))
    assert kinds(body) == ["capital_80", "capital_90"]
    await world.post("/v1/costs/rollups", {"day": day.isoformat()}, expect=200)  # rerun: no new alert, no double
    spent = await spend_to(Decimal(1001), spent)
    body = await wait_for(world, exp, lambda b: b["status"] == "paused")
    assert kinds(body) == ["capital_80", "capital_90", "stop_loss_capital"]
    assert body["pause_reason"] == "stop_loss" and body["evaluation_recommended"] is True
    assert Decimal(1000) <= Decimal(body["spend_usd"]) < Decimal("1001.01")

    small = await world.post(f"/v1/experiments/{exp}/evaluations", evaluation("continue", capital_cap_usd="900"),
                             expect=201)
    too_small = await world.api.post(f"/v1/experiments/{exp}/override", headers=world.h(),
                                     json={"rationale": "a bit more", "evaluation_id": small["id"]})
    assert too_small.status_code == 409 and too_small.json()["code"] == "evaluation_caps_reached"
    signals = (await world.api.get(f"/v1/experiments/{exp}/signals", headers=world.h())).json()
    assert Decimal(signals["tranches_consumed"]) >= 4 and "verdict" not in signals
    assert signals["primary_success_event"] == "calculator_installed" and signals["primary_per_denominator"] is None
    feed = (await world.api.get("/v1/reports/alerts", params={"since": start.isoformat()}, headers=world.h())).json()
    assert [a["kind"] for a in feed] == ["capital_80", "capital_90", "stop_loss_capital"]
    assert Decimal(feed[0]["detail"]["spend_usd"]) >= 800
    founder = await world.api.get("/v1/reports/alerts", params={"since": start.isoformat()}, headers=world.h("founder"))
    assert founder.status_code == 403  # admin-only
