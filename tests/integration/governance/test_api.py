"""The governance API's edges: roles, bad input (4xx with a code, nothing written), signals, search attributes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.governance import (
    also,
    approve,
    change_payload,
    contract,
    drafted,
    file_issue,
    issue,
    kernel_tenant,
    reaches,
    register,
)
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("body,code", [
    ({"source": "twitter", "raw_payload": {}}, "validation_error"),
    ({"source": "crm_feedback"}, "validation_error"),
    ({"source": "crm_feedback", "raw_payload": []}, "validation_error"),
    ({"source": "crm_feedback", "external_id": "", "raw_payload": {}}, "validation_error"),
])
async def test_bad_issue_is_422_and_writes_nothing(api, keys, engine, body, code) -> None:
    r = await api.post("/v1/issues", json=body, headers=keys.headers("service"))
    assert r.status_code == 422 and r.json()["code"] == code
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM issues"))).scalar_one() == 0


@pytest.mark.parametrize("role", ["founder", "admin"])
async def test_only_service_and_operator_file_issues(api, keys, role) -> None:
    r = await api.post("/v1/issues", json={"source": "crm_feedback", "raw_payload": {}}, headers=keys.headers(role))
    assert r.status_code == 403


async def test_unknown_ids_are_404(api, keys) -> None:
    some = uuid.uuid4()
    for path in (f"/v1/issues/{some}", f"/v1/contracts/{some}"):
        r = await api.get(path, headers=keys.headers("founder"))
        assert r.status_code == 404 and r.json()["code"].endswith("_not_found")
    r = await api.post(f"/v1/contracts/{some}/approve", json={}, headers=keys.headers("founder"))
    assert r.status_code == 404 and r.json()["code"] == "contract_not_found"
    assert (await api.get("/v1/issues/not-a-uuid", headers=keys.headers("founder"))).status_code == 422


async def test_capability_registry_roles_and_conflicts(api, keys) -> None:
    body = {"name": "kernel.policy"}
    for role in ("founder", "operator", "service"):
        assert (await api.post("/v1/capabilities", json=body, headers=keys.headers(role))).status_code == 403
    created = await api.post("/v1/capabilities", json=body, headers=keys.headers("admin"))
    assert created.status_code == 201 and created.json()["owner"] == "kernel", created.text
    again = await api.post("/v1/capabilities", json=body, headers=keys.headers("admin"))
    assert again.status_code == 409 and again.json()["code"] == "capability_exists"
    bad = await api.post("/v1/capabilities", json={**body, "name": "Bad Name"}, headers=keys.headers("admin"))
    assert bad.status_code == 422
    listed = await api.get("/v1/capabilities", headers=keys.headers("service"))
    assert [(c["name"], c["owner"], c["target"]) for c in listed.json()["items"]] == [
        ("kernel.policy", "kernel", "tenant")]


@pytest.mark.parametrize("name", ["dialer", "pricing"])
async def test_a_capability_without_an_executor_cannot_be_registered(api, keys, engine, name) -> None:
    r = await api.post("/v1/capabilities", json={"name": name}, headers=keys.headers("admin"))
    assert r.status_code == 422 and r.json()["code"] == "capability_without_executor", r.text
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM capabilities"))).scalar_one() == 0


async def test_voice_settings_are_executed_through_onboarding_so_they_can_be_registered(api, keys) -> None:
    r = await api.post("/v1/capabilities", json={"name": "voice.tenant_settings"}, headers=keys.headers("admin"))
    assert r.status_code == 201, r.text
    assert (r.json()["owner"], r.json()["target"]) == ("voice", "tenant")
    assert "transfer_to" in r.json()["keys"] and "optional_objectives" in r.json()["keys"]


async def test_blocking_signal_makes_issue_ineligible_until_revoked(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    for role in ("founder", "operator", "service"):
        r = await api.post("/v1/governance-signals", json={"scope": "kernel.policy", "reason": "x"},
                           headers=keys.headers(role))
        assert r.status_code == 403
    r = await api.post("/v1/governance-signals", json={"scope": "kernel.policy", "reason": "incident open"},
                       headers=keys.headers("admin"))
    assert r.status_code == 201, r.text
    signal_id = r.json()["id"]
    async with worker(governance_bundle):
        blocked = await file_issue(api, keys, change_payload(tenant))

        async def ineligible() -> dict[str, Any] | None:
            body = await issue(api, keys, blocked["id"])
            return body if body["status"] == "INELIGIBLE" else None
        body = await until(ineligible)
        assert any("blocking governance signal" in reason for reason in body["eligibility"]["reasons"])
        r = await api.delete(f"/v1/governance-signals/{signal_id}", headers=keys.headers("admin"))
        assert r.status_code == 200 and r.json()["revoked_at"] is not None
        again = await api.delete(f"/v1/governance-signals/{signal_id}", headers=keys.headers("admin"))
        assert again.status_code == 409
        allowed = await file_issue(api, keys, change_payload(tenant))
        await drafted(api, keys, allowed["id"])


async def test_modify_scope_with_malformed_changes_is_422(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/modify-scope", json={"proposed_changes": {"changes": "all"}},
                           headers=keys.headers("founder"))
        assert r.status_code == 422 and r.json()["code"] == "invalid_proposed_changes", r.text
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
    schema = await api.get("/v1/contracts/schema/proposed-changes", headers=keys.headers("founder"))
    assert schema.json()["required"] == ["changes"]


async def test_search_attributes_follow_the_status(api, keys, worker, temporal_client, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant, tenant_id=tenant))
        cid = await drafted(api, keys, filed["id"])

        async def listed(status: str) -> bool:
            query = f"status = '{status}' AND kind = 'contract_lifecycle' AND tenant_id = '{tenant}'"
            return [w.id async for w in temporal_client.list_workflows(query)] == [filed["workflow_id"]]
        await until(lambda: listed("DRAFT"))
        await approve(api, keys, cid)
        await reaches(api, keys, cid, "COMPLETED")
        await until(lambda: listed("COMPLETED"))


async def test_approve_with_impossible_constraints_is_422_and_stays_draft(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    payload = also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, payload)
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/approve", json={"execution_constraints": {"max_steps": 1}},
                           headers=keys.headers("founder"))
        assert r.status_code == 422 and r.json()["code"] == "invalid_constraints", r.text
        bad = await api.post(f"/v1/contracts/{cid}/approve", json={"execution_constraints": {"max_steps": 0}},
                             headers=keys.headers("founder"))
        assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
