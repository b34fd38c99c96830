"""The 10-step lifecycle end to end on the real Temporal dev server, over the HTTP API."""

from __future__ import annotations

import pytest

from tests.integration.governance.conftest import (
    BUNDLE, DIALER_STATE, capability_state, change_payload, drafted, file_issue, issue, reaches, register,
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
    body = await issue(api, keys, filed["id"])
    assert body["validator_output"]["issue_type"] == "configuration_change"
    assert body["eligibility"]["decision"] == "MAY"
    assert body["contract_id"] == cid
