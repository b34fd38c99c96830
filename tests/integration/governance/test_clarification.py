"""`clarify` gets its answer: the issue's source answers it in the timeline; the read shows it and the TTL left."""

from __future__ import annotations

import pytest

from tests.helpers.governance import (
    approve,
    change_payload,
    contract,
    drafted,
    events,
    file_issue,
    kernel_tenant,
    reaches,
    register,
    state,
)
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


async def test_the_source_answers_the_founders_question_then_the_founder_approves(api, keys, worker, engine,
                                                                                 settings) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant, 1250))
        cid = await drafted(api, keys, filed["id"])
        early = await api.post(f"/v1/contracts/{cid}/clarification", json={"answer": "because"},
                               headers=keys.headers("service"))
        assert early.status_code == 409 and early.json()["code"] == "no_open_question", early.text
        r = await api.post(f"/v1/contracts/{cid}/clarify", json={"question": "why 1250?"},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "DRAFT", r.text
        body = await contract(api, keys, cid)
        assert body["open_question"] == "why 1250?"
        assert 0 < body["ttl_seconds_left"] <= settings.contract_draft_ttl_seconds
        for role in ("founder", "admin"):
            refused = await api.post(f"/v1/contracts/{cid}/clarification", json={"answer": "x"},
                                     headers=keys.headers(role))
            assert refused.status_code == 403, refused.text
        r = await api.post(f"/v1/contracts/{cid}/clarification", json={"answer": "CAC rose 4% this quarter"},
                           headers=keys.headers("operator"))
        assert r.status_code == 200 and r.json()["status"] == "DRAFT", r.text
        again = await api.post(f"/v1/contracts/{cid}/clarification", json={"answer": "again"},
                               headers=keys.headers("service"))
        assert again.status_code == 409 and again.json()["code"] == "no_open_question"
        answered = await contract(api, keys, cid)
        assert answered["open_question"] is None and answered["status"] == "DRAFT"
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "COMPLETED")
    answer = events(done, "contract.clarification_answered")[0]["payload"]
    assert answer["question"] == "why 1250?" and answer["answer"] == "CAC rose 4% this quarter"
    assert answer["role"] == "operator"
    assert "clarification_answered" in [e["payload"]["kind"] for e in events(done, "founder.notified")]
    assert done["ttl_seconds_left"] is None and (await state(api, keys, tenant))["targets.cac_max"] == 1250
