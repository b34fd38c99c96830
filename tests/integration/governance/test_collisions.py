"""Contracts do not collide: different scopes run at once with clean audits, the same scope one at a time."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from domain.capabilities import CAPITAL_CAMPAIGN
from tests.helpers.capital import make_world
from tests.helpers.governance import (
    BREAKING_KEY,
    BREAKING_VALUE,
    also,
    change_payload,
    contract,
    drafted,
    events,
    file_issue,
    kernel_tenant,
    reaches,
    register,
    state,
    verdict,
)
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


async def _drafted(api: Any, keys: Any, payload: dict[str, Any]) -> str:
    filed = await file_issue(api, keys, payload)
    return await drafted(api, keys, filed["id"])


async def _approve_all(api: Any, keys: Any, cids: list[str]) -> None:
    answers = await asyncio.gather(*(api.post(f"/v1/contracts/{c}/approve", json={}, headers=keys.headers("founder"))
                                     for c in cids))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]


def _at(body: dict[str, Any], event: str) -> datetime:
    return datetime.fromisoformat(events(body, event)[0]["occurred_at"])


async def _two_capabilities(api: Any, keys: Any, engine: Any) -> tuple[str, str]:
    tenant = await kernel_tenant(engine)
    campaign = (await make_world(api, keys)).campaign_id
    await register(api, keys)
    await register(api, keys, CAPITAL_CAMPAIGN)
    return tenant, campaign


def _budget(campaign: str, value: Any = 20000) -> dict[str, Any]:
    return change_payload(campaign, value, key="budget_usd", capability=CAPITAL_CAMPAIGN)


async def test_contracts_on_different_capabilities_overlap_with_clean_audits(api, keys, worker, settings,
                                                                            engine) -> None:
    settings.governance_step_interval_seconds = 5.0  # the first job is between its steps when the second runs
    tenant, campaign = await _two_capabilities(api, keys, engine)
    async with worker(governance_bundle):
        first = await _drafted(api, keys, also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500))
        second = await _drafted(api, keys, _budget(campaign))
        await _approve_all(api, keys, [first])

        async def first_started() -> bool:
            return bool(events(await contract(api, keys, first), "job.started"))
        await until(first_started)
        await _approve_all(api, keys, [second])
        a, b = await reaches(api, keys, first, "COMPLETED"), await reaches(api, keys, second, "COMPLETED")
    assert verdict(a)["verdict"] == "PASS" and verdict(b)["verdict"] == "PASS"
    # they really overlapped: the second job finished while the first was between its steps
    assert _at(a, "job.started") < _at(b, "job.finished") < _at(a, "job.finished")
    assert events(a, "job.started")[0]["payload"]["scopes"] == [f"kernel.policy:{tenant}"]
    kernel = await state(api, keys, tenant)
    assert kernel["targets.cac_max"] == 1500 and kernel["guardrails.max_daily_spend"] == 2500
    assert (await state(api, keys, campaign, CAPITAL_CAMPAIGN))["budget_usd"] == 20000


async def test_a_rollback_restores_only_its_own_capability(api, keys, worker, settings, engine) -> None:
    settings.governance_step_interval_seconds = 5.0
    tenant, campaign = await _two_capabilities(api, keys, engine)
    before = await state(api, keys, tenant)
    async with worker(governance_bundle):
        bad = await _drafted(api, keys, also(change_payload(tenant, BREAKING_VALUE, key=BREAKING_KEY), tenant,
                                             "guardrails.max_daily_spend", 2500))
        good = await _drafted(api, keys, _budget(campaign))
        await _approve_all(api, keys, [bad])

        async def bad_started() -> bool:
            return bool(events(await contract(api, keys, bad), "job.started"))
        await until(bad_started)
        await _approve_all(api, keys, [good])
        failed, done = await reaches(api, keys, bad, "FAILED"), await reaches(api, keys, good, "COMPLETED")
    assert _at(failed, "job.started") < _at(done, "job.finished") < _at(failed, "job.finished")
    assert verdict(failed)["verdict"] == "FAIL" and verdict(done)["verdict"] == "PASS"
    assert not any(campaign in r for r in verdict(failed)["reasons"])
    assert await state(api, keys, tenant) == before
    assert (await state(api, keys, campaign, CAPITAL_CAMPAIGN))["budget_usd"] == 20000


async def test_contracts_on_the_same_capability_run_one_after_the_other(api, keys, worker, settings,
                                                                        engine) -> None:
    settings.governance_step_interval_seconds = 1.0
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        first = await _drafted(api, keys, also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500))
        second = await _drafted(api, keys, change_payload(tenant, 1700))
        await _approve_all(api, keys, [first])

        async def first_started() -> bool:  # the second arrives while the first holds the scope
            return bool(events(await contract(api, keys, first), "job.started"))
        await until(first_started)
        await _approve_all(api, keys, [second])
        a, b = await reaches(api, keys, first, "COMPLETED"), await reaches(api, keys, second, "COMPLETED")
    waited = events(b, "contract.waiting_for_scope")[0]["payload"]
    assert waited["scope"] == f"kernel.policy:{tenant}" and waited["held_by"] == first
    assert _at(b, "job.started") >= _at(a, "contract.completed")
    assert verdict(a)["verdict"] == "PASS" and verdict(b)["verdict"] == "PASS"
    values = await state(api, keys, tenant)
    assert values["targets.cac_max"] == 1700 and values["guardrails.max_daily_spend"] == 2500


async def test_the_window_closes_while_waiting_so_nothing_is_executed(api, keys, worker, settings, engine) -> None:
    from sqlalchemy import text

    tenant = await kernel_tenant(engine, facts=False)  # no facts: the next cycle cannot run, health INCONCLUSIVE
    await register(api, keys)
    async with worker(governance_bundle):
        holder = await _drafted(api, keys, change_payload(tenant))
        await _approve_all(api, keys, [holder])
        await reaches(api, keys, holder, "AUDIT_INCONCLUSIVE")  # holds the scope until the founder resolves
        settings.governance_activation_window_seconds = 2.0
        late = await _drafted(api, keys, change_payload(tenant, 1900))
        await _approve_all(api, keys, [late])
        body = await reaches(api, keys, late, "FAILED")
        r = await api.post(f"/v1/contracts/{holder}/resolve-audit", json={"resolution": "rollout"},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "COMPLETED", r.text
        types = [e["type"] for e in body["timeline"]]
        assert "contract.waiting_for_scope" in types and "job.started" not in types
        assert (await state(api, keys, tenant))["targets.cac_max"] == 1500

        async def released() -> bool:
            async with engine.connect() as conn:
                return bool((await conn.execute(text("SELECT count(*) FROM governance_scope_locks"))).scalar_one() == 0)
        await until(released)  # the holder frees its scope once it has ended
    async with engine.connect() as conn:
        kinds = (await conn.execute(text("SELECT summary FROM incidents WHERE contract_id = :c"), {"c": late})).all()
    assert "not executed" in kinds[0][0]
