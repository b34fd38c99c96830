"""The 10-step lifecycle end to end on the real Temporal dev server, over the HTTP API, on a real capability:
a tenant's kernel policy, changed through the kernel's own store and judged by the kernel's next cycle."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from infra.db.kernel_store import latest_policy
from tests.helpers.governance import (
    BREAKING_KEY,
    BREAKING_VALUE,
    also,
    approve,
    change_payload,
    drafted,
    events,
    file_issue,
    issue,
    kernel_tenant,
    reaches,
    register,
    state,
    verdict,
)
from tests.helpers.kernel_facts import POLICY
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


async def _policy_rows(engine: Any, tenant: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM kernel_policies WHERE tenant_id = :t"),
                                       {"t": tenant})).scalar_one())


async def test_approve_runs_to_completed_and_the_kernel_plans_with_it(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant), external_id="crm-1")
        assert filed["status"] == "RECEIVED"
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid, note="go")
        done = await reaches(api, keys, cid, "COMPLETED")
    async with engine.connect() as conn:
        policy = await latest_policy(conn, uuid.UUID(tenant))  # what the next cycle reads
    assert policy is not None and policy["targets"]["cac_max"] == 1500
    assert policy["guardrails"] == POLICY["guardrails"] and await _policy_rows(engine, tenant) == 2
    types = [e["type"] for e in done["timeline"] if e["type"] != "founder.notified"]
    assert types == ["issue.received", "issue.validated", "issue.eligibility_decided", "contract.drafted",
                     "contract.approved", "contract.activated", "job.started", "job.finished",
                     "health.evaluated", "audit.verdict", "contract.completed"]
    assert [e["payload"]["kind"] for e in events(done, "founder.notified")] == ["draft_created"]
    assert done["approved_by"] is not None and done["activation_start"] is not None
    started = events(done, "job.started")[0]
    # the durable timer waited for the window to open
    assert datetime.fromisoformat(started["occurred_at"]) >= datetime.fromisoformat(done["activation_start"])
    signal = events(done, "health.evaluated")[0]["payload"]["signals"][0]
    assert signal["status"] == "HEALTHY" and signal["evidence"]["after"]["figures"]["next_cycle"] == "runs"
    assert signal["evidence"]["before"]["figures"]["binding_constraint"] == "demand"
    body = await issue(api, keys, filed["id"])
    assert body["validator_output"]["issue_type"] == "configuration_change"
    assert body["eligibility"]["decision"] == "MAY" and body["contract_id"] == cid


async def test_reject_ends_rejected_and_changes_nothing(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/reject", json={"reason": "not now"}, headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "REJECTED", r.text
        again = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert again.status_code == 409 and again.json()["code"] == "contract_wrong_state", again.text
    assert (await state(api, keys, tenant))["targets.cac_max"] == 1200


async def test_draft_expires_by_durable_timer(api, keys, worker, settings, engine) -> None:
    settings.contract_draft_ttl_seconds = 1.0
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
        assert [c["id"] for c in listed.json()["items"]] == [cid]
        done = await reaches(api, keys, cid, "EXPIRED", timeout=10)
        assert done["timeline"][-1]["type"] == "contract.expired"
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 409 and r.json()["code"] == "contract_expired", r.text
    listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
    assert listed.json()["count"] == 0


async def test_modify_scope_creates_new_version_and_supersedes_old(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant, 1800))
        old = await drafted(api, keys, filed["id"])
        scope = {"changes": [{"capability": "kernel.policy", "target": tenant, "key": "targets.cac_max",
                              "value": 1300}]}
        r = await api.post(f"/v1/contracts/{old}/modify-scope", json={"proposed_changes": scope},
                           headers=keys.headers("founder"))
        assert r.status_code == 200, r.text
        new = r.json()["contract_id"]
        assert new != old and r.json()["version"] == 2 and r.json()["status"] == "DRAFT"
        assert (await api.get(f"/v1/contracts/{old}", headers=keys.headers("founder"))).json()["status"] == "SUPERSEDED"
        stale = await api.post(f"/v1/contracts/{old}/approve", json={}, headers=keys.headers("founder"))
        assert stale.status_code == 409 and stale.json()["code"] == "contract_superseded"
        for bad_scope in ({"capability": "payroll", "target": tenant, "key": "x", "value": 1},
                          {"capability": "kernel.policy", "target": tenant, "key": "targets.no_such", "value": 1}):
            bad = await api.post(f"/v1/contracts/{new}/modify-scope", headers=keys.headers("founder"),
                                 json={"proposed_changes": {"changes": [bad_scope]}})
            assert bad.status_code == 422 and bad.json()["code"] == "scope_ineligible", bad.text
        await approve(api, keys, new)
        done = await reaches(api, keys, new, "COMPLETED")
    assert done["version"] == 2 and done["supersedes_id"] == old
    assert (await state(api, keys, tenant))["targets.cac_max"] == 1300
    assert (await issue(api, keys, filed["id"]))["contract_id"] == new


async def test_a_change_that_stops_the_kernel_fails_health_and_rolls_back(api, keys, worker, engine) -> None:
    """The policy model accepts it; the kernel's next cycle refuses it (rule 5): health FAILs, rollback restores."""
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    before = await state(api, keys, tenant)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant, BREAKING_VALUE, key=BREAKING_KEY))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "FAILED")
    assert await state(api, keys, tenant) == before
    assert await _policy_rows(engine, tenant) == 3  # seeded, changed, restored: each step applied once
    types = [e["type"] for e in done["timeline"]]
    assert types[-6:] == ["health.evaluated", "audit.verdict", "job.started", "job.finished", "contract.failed",
                          "incident.opened"]
    assert done["timeline"][-4]["payload"]["kind"] == "rollback"
    found = verdict(done)
    assert found["verdict"] == "FAIL" and any("next cycle is refused" in r for r in found["reasons"])
    async with engine.connect() as conn:
        incidents = (await conn.execute(text("SELECT contract_id, details FROM incidents"))).all()
        notes = (await conn.execute(text("SELECT recipient, subject FROM notifications "
                                         "WHERE subject LIKE '%rolled back%'"))).all()
    assert [str(i[0]) for i in incidents] == [cid] and incidents[0][1]["restored_prior_state"] is True
    assert len(notes) == 1 and notes[0][0] == "founder@localhost"


async def test_an_unknown_key_or_target_is_not_eligible(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        bad_key = await file_issue(api, keys, change_payload(tenant, 5, key="guardrails.max_coffee"))
        bad_target = await file_issue(api, keys, change_payload("not-a-tenant-id"))

        async def ended(issue_id: str) -> dict[str, Any] | None:
            body = await issue(api, keys, issue_id)
            return body if body["status"] == "INELIGIBLE" else None
        for filed, why in ((bad_key, "not a kernel policy field"), (bad_target, "target must be the id")):
            issue_id = str(filed["id"])

            async def this_one(issue_id: str = issue_id) -> dict[str, Any] | None:
                return await ended(issue_id)
            body = await until(this_one)
            assert any(why in reason for reason in body["eligibility"]["reasons"]), body["eligibility"]


async def test_duplicate_crm_delivery_gives_one_issue(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        first = await file_issue(api, keys, change_payload(tenant), external_id="crm-dup")
        second = await file_issue(api, keys, change_payload(tenant), external_id="crm-dup")
        assert second["id"] == first["id"] and second["duplicate"] is True
        await drafted(api, keys, first["id"])
        third = await file_issue(api, keys, change_payload(tenant), external_id="crm-dup")
        assert third["id"] == first["id"]
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM issues"))).scalar_one() == 1
        assert (await conn.execute(text("SELECT count(*) FROM system_contracts"))).scalar_one() == 1
        assert (await conn.execute(text("SELECT count(*) FROM issue_events"))).scalar_one() == 3
    timeline = (await api.get(f"/v1/streams/issue:{first['id']}/events", headers=keys.headers("admin"))).json()
    assert [e["type"] for e in timeline["events"]].count("issue.redelivered") == 2


async def test_ineligible_issue_ends_with_verdict_and_no_contract(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, {"title": "the app is nice"})

        async def ended() -> dict[str, Any] | None:
            body = await issue(api, keys, filed["id"])
            return body if body["status"] == "INELIGIBLE" else None
        body = await until(ended)
    assert body["eligibility"]["decision"] == "MAY_NOT" and body["contract_id"] is None
    assert any("not actionable" in r for r in body["eligibility"]["reasons"])


async def test_two_keys_in_one_contract_are_two_steps(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "COMPLETED")
    finished = events(done, "job.finished")[0]["payload"]
    assert finished["steps"] == {"1": "APPLIED", "2": "APPLIED"}
    values = await state(api, keys, tenant)
    assert values["targets.cac_max"] == 1500 and values["guardrails.max_daily_spend"] == 2500
