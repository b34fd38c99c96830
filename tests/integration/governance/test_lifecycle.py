"""The 10-step lifecycle end to end on the real Temporal dev server, over the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from tests.integration.governance.conftest import (
    BUNDLE,
    DIALER_STATE,
    capability_state,
    change_payload,
    drafted,
    file_issue,
    issue,
    reaches,
    register,
    until,
)

pytestmark = pytest.mark.integration


async def test_approve_runs_to_completed(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(200), external_id="crm-1")
        assert filed["status"] == "RECEIVED"
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/approve", json={"note": "go"}, headers=keys.headers("founder"))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "APPROVED"
        done = await reaches(api, keys, cid, "COMPLETED")
    cap = await capability_state(api, keys)
    assert cap["state"] == {**DIALER_STATE, "max_calls_per_hour": 200}
    assert cap["version"] == 1
    types = [e["type"] for e in done["timeline"]]
    assert types == ["issue.received", "issue.validated", "issue.eligibility_decided", "contract.drafted",
                     "contract.approved", "contract.activated", "job.started", "job.finished",
                     "health.evaluated", "audit.verdict", "contract.completed"]
    assert done["approved_by"] is not None and done["activation_start"] is not None
    started = next(e for e in done["timeline"] if e["type"] == "job.started")
    # the durable timer waited for the window to open
    assert datetime.fromisoformat(started["occurred_at"]) >= datetime.fromisoformat(done["activation_start"])
    body = await issue(api, keys, filed["id"])
    assert body["validator_output"]["issue_type"] == "configuration_change"
    assert body["eligibility"]["decision"] == "MAY"
    assert body["contract_id"] == cid


async def test_reject_ends_rejected_and_changes_nothing(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(300))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/reject", json={"reason": "not now"}, headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "REJECTED", r.text
        again = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert again.status_code == 409 and again.json()["code"] == "contract_wrong_state", again.text
    assert (await capability_state(api, keys))["state"] == DIALER_STATE


async def test_draft_expires_by_durable_timer(api, keys, worker, settings) -> None:
    settings.contract_draft_ttl_seconds = 1.0
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(300))
        cid = await drafted(api, keys, filed["id"])
        listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
        assert [c["id"] for c in listed.json()["items"]] == [cid]
        done = await reaches(api, keys, cid, "EXPIRED", timeout=10)
        assert done["timeline"][-1]["type"] == "contract.expired"
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 409 and r.json()["code"] == "contract_expired", r.text
    listed = await api.get("/v1/contracts?status=DRAFT", headers=keys.headers("founder"))
    assert listed.json()["count"] == 0


async def test_clarify_keeps_draft_then_approve_completes(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(250))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/clarify", json={"question": "why 250?"},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "DRAFT", r.text
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text
        done = await reaches(api, keys, cid, "COMPLETED")
    question = next(e for e in done["timeline"] if e["type"] == "contract.clarification_requested")
    assert question["payload"]["question"] == "why 250?"
    assert (await capability_state(api, keys))["state"]["max_calls_per_hour"] == 250


async def test_modify_scope_creates_new_version_and_supersedes_old(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(400))
        old = await drafted(api, keys, filed["id"])
        scope = {"changes": [{"capability": "dialer", "key": "max_calls_per_hour", "value": 150}]}
        r = await api.post(f"/v1/contracts/{old}/modify-scope", json={"proposed_changes": scope},
                           headers=keys.headers("founder"))
        assert r.status_code == 200, r.text
        new = r.json()["contract_id"]
        assert new != old and r.json()["version"] == 2 and r.json()["status"] == "DRAFT"
        assert (await api.get(f"/v1/contracts/{old}", headers=keys.headers("founder"))).json()["status"] == "SUPERSEDED"
        stale = await api.post(f"/v1/contracts/{old}/approve", json={}, headers=keys.headers("founder"))
        assert stale.status_code == 409 and stale.json()["code"] == "contract_superseded"
        unknown = {"changes": [{"capability": "payroll", "key": "x", "value": 1}]}
        bad = await api.post(f"/v1/contracts/{new}/modify-scope", headers=keys.headers("founder"),
                             json={"proposed_changes": unknown})
        assert bad.status_code == 422 and bad.json()["code"] == "scope_ineligible", bad.text
        r = await api.post(f"/v1/contracts/{new}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200, r.text
        done = await reaches(api, keys, new, "COMPLETED")
    assert done["version"] == 2 and done["supersedes_id"] == old
    assert (await capability_state(api, keys))["state"]["max_calls_per_hour"] == 150
    assert (await issue(api, keys, filed["id"]))["contract_id"] == new


async def test_audit_fail_rolls_back_to_exact_prior_state_with_incident(api, keys, worker, engine) -> None:
    await register(api, keys)
    before = await capability_state(api, keys)
    async with worker(BUNDLE):
        # 900 breaks the registry's invariant (max 500): health says UNHEALTHY, the audit FAILs.
        filed = await file_issue(api, keys, change_payload(900))
        cid = await drafted(api, keys, filed["id"])
        assert (await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
                ).status_code == 200
        done = await reaches(api, keys, cid, "FAILED")
    after = await capability_state(api, keys)
    assert after["state"] == before["state"]
    assert after["version"] == 2  # one execute step, one restore step: each applied once
    types = [e["type"] for e in done["timeline"]]
    assert types[-6:] == ["health.evaluated", "audit.verdict", "job.started", "job.finished", "contract.failed",
                          "incident.opened"]
    assert done["timeline"][-4]["payload"]["kind"] == "rollback"
    verdict = next(e for e in done["timeline"] if e["type"] == "audit.verdict")["payload"]
    assert verdict["verdict"] == "FAIL" and any("unhealthy" in r for r in verdict["reasons"])
    async with engine.connect() as conn:
        incidents = (await conn.execute(text("SELECT contract_id, details FROM incidents"))).all()
        notes = (await conn.execute(text("SELECT recipient, subject FROM notifications"))).all()
    assert [str(i[0]) for i in incidents] == [cid] and incidents[0][1]["restored_prior_state"] is True
    assert len(notes) == 1 and notes[0][0] == "founder@localhost"


async def test_duplicate_crm_delivery_gives_one_issue(api, keys, worker, engine) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        first = await file_issue(api, keys, change_payload(200), external_id="crm-dup")
        second = await file_issue(api, keys, change_payload(200), external_id="crm-dup")
        assert second["id"] == first["id"] and second["duplicate"] is True
        await drafted(api, keys, first["id"])
        third = await file_issue(api, keys, change_payload(200), external_id="crm-dup")
        assert third["id"] == first["id"]
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM issues"))).scalar_one() == 1
        assert (await conn.execute(text("SELECT count(*) FROM system_contracts"))).scalar_one() == 1
        assert (await conn.execute(text("SELECT count(*) FROM issue_events"))).scalar_one() == 3
    timeline = (await api.get(f"/v1/streams/issue:{first['id']}/events", headers=keys.headers("admin"))).json()
    assert [e["type"] for e in timeline["events"]].count("issue.redelivered") == 2


async def test_ineligible_issue_ends_with_verdict_and_no_contract(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, {"title": "the app is nice"})

        async def ended() -> dict[str, Any] | None:
            body = await issue(api, keys, filed["id"])
            return body if body["status"] == "INELIGIBLE" else None
        body = await until(ended)
    assert body["eligibility"]["decision"] == "MAY_NOT" and body["contract_id"] is None
    assert any("not actionable" in r for r in body["eligibility"]["reasons"])
