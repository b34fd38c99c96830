"""Bad text at the governance edges: refused with a 4xx and a code, nothing written, the contract still reviewable."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError

from domain.governance.messages import RejectContract
from tests.helpers.governance import change_payload, contract, drafted, file_issue, kernel_tenant, register
from workers.governance_worker import governance_bundle
from workflows.contract_lifecycle import ContractLifecycleWorkflow

pytestmark = pytest.mark.integration


# The API's input guard refuses storage-breaking text before any handler (its code at the top level); what it
# lets through, the models' SafeText/SafeJson refuse with the same codes as field errors. pydantic refuses a
# lone surrogate in a typed str field itself (string_unicode).
SAME = {"unpaired_surrogate": {"unpaired_surrogate", "string_unicode"}, "nul_character": {"nul_character"},
        "string_too_long": {"string_too_long"}, "json_too_large": {"json_too_large", "text_too_long"},
        "body_too_deep": {"body_too_deep"}}


def _types(body: dict[str, Any]) -> set[str]:
    return {body["code"], *(e["type"] for e in body.get("errors", []))}


def _raw(body: str) -> bytes:
    """A JSON body exactly as written (json= in httpx would refuse to encode a lone surrogate)."""
    return body.encode("utf-8")


async def test_reject_reason_with_nul_is_422_and_the_contract_stays_reviewable(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/reject", json={"reason": "no\u0000way"},
                           headers=keys.headers("founder"))
        assert r.status_code == 422, r.text
        assert "nul_character" in _types(r.json())
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
        r = await api.post(f"/v1/contracts/{cid}/reject", json={"reason": "not now"},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "REJECTED", r.text


@pytest.mark.parametrize("path,body,error", [
    ("reject", '{"reason": "a\\ud800b"}', "unpaired_surrogate"),
    ("reject", json.dumps({"reason": "x" * 2001}), "string_too_long"),
    ("clarify", '{"question": "why\\u0000"}', "nul_character"),
    ("approve", '{"note": "\\udfff"}', "unpaired_surrogate"),
    ("modify-scope", '{"proposed_changes": {"changes": [{"capability": "kernel.policy", "key": "targets.x", '
                     '"value": "a\\u0000"}]}}', "nul_character"),
])
async def test_bad_text_in_any_decision_is_422(api, keys, worker, engine, path, body, error) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/{path}", content=_raw(body),
                           headers={**keys.headers("founder"), "Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        assert _types(r.json()) & SAME[error]
        assert (await contract(api, keys, cid))["status"] == "DRAFT"


async def test_invalid_utf8_body_is_a_4xx_with_a_code(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/reject", content=b'{"reason": "caf\xe9"}',
                           headers={**keys.headers("founder"), "Content-Type": "application/json"})
        assert 400 <= r.status_code < 500 and r.json()["code"], r.text
        assert (await contract(api, keys, cid))["status"] == "DRAFT"


@pytest.mark.parametrize("payload,error", [
    ('{"title": "x", "nested": {"k\\u0000": 1}}', "nul_character"),
    ('{"title": "\\ud83d"}', "unpaired_surrogate"),
    (json.dumps({"title": "x", "blob": "y" * 70_000}), "json_too_large"),
    ('{"a": ' * 20 + "1" + "}" * 20, "body_too_deep"),
])
async def test_bad_issue_payload_is_422_and_writes_nothing(api, keys, engine, payload, error) -> None:
    body = '{"source": "crm_feedback", "raw_payload": ' + payload + "}"
    r = await api.post("/v1/issues", content=_raw(body),
                       headers={**keys.headers("service"), "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert _types(r.json()) & SAME[error]
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM issues"))).scalar_one() == 0


async def test_bad_text_in_capability_and_signal_is_422(api, keys) -> None:
    r = await api.post("/v1/capabilities", content=_raw('{"name": "kernel.policy", "description": "a\\u0000"}'),
                       headers={**keys.headers("admin"), "Content-Type": "application/json"})
    assert r.status_code == 422 and "nul_character" in _types(r.json()), r.text
    r = await api.post("/v1/governance-signals", content=_raw('{"scope": "kernel.policy", "reason": "\\ud800"}'),
                       headers={**keys.headers("admin"), "Content-Type": "application/json"})
    assert r.status_code == 422 and _types(r.json()) & SAME["unpaired_surrogate"], r.text


async def test_a_nul_sent_to_temporal_directly_is_refused_and_holds_nothing(
        api, keys, worker, temporal_client, engine) -> None:
    """Below the API the update's own payload model refuses it; the contract is still decided normally."""
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        handle = temporal_client.get_workflow_handle(filed["workflow_id"])
        bad = RejectContract.model_construct(contract_id=uuid.UUID(cid), founder_id=uuid.uuid4(),
                                             founder_role="founder", reason="x\u0000")
        with pytest.raises((WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError)):
            await handle.execute_update(ContractLifecycleWorkflow.reject, bad)
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
        r = await api.post(f"/v1/contracts/{cid}/reject", json={"reason": "not now"},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "REJECTED", r.text
