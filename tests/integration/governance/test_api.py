"""The governance API's edges: roles, bad input (4xx with a code, nothing written), signals, search attributes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from tests.integration.governance.conftest import (
    BUNDLE,
    change_payload,
    contract,
    drafted,
    file_issue,
    issue,
    reaches,
    register,
    until,
)

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
    body = {"name": "dialer", "checks": [{"key": "n", "type": "number", "max": 5}], "initial_state": {"n": 1}}
    for role in ("founder", "operator", "service"):
        assert (await api.post("/v1/capabilities", json=body, headers=keys.headers(role))).status_code == 403
    assert (await api.post("/v1/capabilities", json=body, headers=keys.headers("admin"))).status_code == 201
    again = await api.post("/v1/capabilities", json=body, headers=keys.headers("admin"))
    assert again.status_code == 409 and again.json()["code"] == "capability_exists"
    bad = await api.post("/v1/capabilities", json={**body, "name": "Bad Name"}, headers=keys.headers("admin"))
    assert bad.status_code == 422
    listed = await api.get("/v1/capabilities", headers=keys.headers("service"))
    assert [c["name"] for c in listed.json()["items"]] == ["dialer"]


async def test_blocking_signal_makes_issue_ineligible_until_revoked(api, keys, worker) -> None:
    await register(api, keys)
    for role in ("founder", "operator", "service"):
        r = await api.post("/v1/governance-signals", json={"scope": "dialer", "reason": "x"},
                           headers=keys.headers(role))
        assert r.status_code == 403
    r = await api.post("/v1/governance-signals", json={"scope": "dialer", "reason": "incident open"},
                       headers=keys.headers("admin"))
    assert r.status_code == 201, r.text
    signal_id = r.json()["id"]
    async with worker(BUNDLE):
        blocked = await file_issue(api, keys, change_payload(200))

        async def ineligible() -> dict[str, Any] | None:
            body = await issue(api, keys, blocked["id"])
            return body if body["status"] == "INELIGIBLE" else None
        body = await until(ineligible)
        assert any("blocking governance signal" in reason for reason in body["eligibility"]["reasons"])
        r = await api.delete(f"/v1/governance-signals/{signal_id}", headers=keys.headers("admin"))
        assert r.status_code == 200 and r.json()["revoked_at"] is not None
        again = await api.delete(f"/v1/governance-signals/{signal_id}", headers=keys.headers("admin"))
        assert again.status_code == 409
        allowed = await file_issue(api, keys, change_payload(200))
        await drafted(api, keys, allowed["id"])


async def test_modify_scope_with_malformed_changes_is_422(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(200))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/modify-scope", json={"proposed_changes": {"changes": "all"}},
                           headers=keys.headers("founder"))
        assert r.status_code == 422 and r.json()["code"] == "invalid_proposed_changes", r.text
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
    schema = await api.get("/v1/contracts/schema/proposed-changes", headers=keys.headers("founder"))
    assert schema.json()["required"] == ["changes"]


async def test_search_attributes_follow_the_status(api, keys, worker, temporal_client) -> None:
    await register(api, keys)
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, change_payload(200, tenant_id=str(uuid.uuid4())))
        cid = await drafted(api, keys, filed["id"])
        tenant = filed["tenant_id"]

        async def listed(status: str) -> bool:
            query = f"status = '{status}' AND kind = 'contract_lifecycle' AND tenant_id = '{tenant}'"
            return [w.id async for w in temporal_client.list_workflows(query)] == [filed["workflow_id"]]
        await until(lambda: listed("DRAFT"))
        await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        await reaches(api, keys, cid, "COMPLETED")
        await until(lambda: listed("COMPLETED"))


async def test_approve_with_impossible_constraints_is_422_and_stays_draft(api, keys, worker) -> None:
    await register(api, keys)
    payload = change_payload(200)
    payload["requested_changes"].append({"capability": "dialer", "key": "region", "value": "nz"})
    async with worker(BUNDLE):
        filed = await file_issue(api, keys, payload)
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/approve", json={"execution_constraints": {"max_steps": 1}},
                           headers=keys.headers("founder"))
        assert r.status_code == 422 and r.json()["code"] == "invalid_constraints", r.text
        bad = await api.post(f"/v1/contracts/{cid}/approve", json={"execution_constraints": {"max_steps": 0}},
                             headers=keys.headers("founder"))
        assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
