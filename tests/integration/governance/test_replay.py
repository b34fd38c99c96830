"""Saved workflow histories (JSON, under tests/) replay against the current workflow code.

Re-record after an intentional, versioned change with REVOS_RECORD_HISTORIES=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from infra.temporal.errors import DomainErrorInterceptor
from tests.helpers.governance import (
    BREAKING_KEY,
    BREAKING_VALUE,
    change_payload,
    drafted,
    file_issue,
    kernel_tenant,
    reaches,
    register,
)
from workers.governance_worker import governance_bundle
from workflows.contract_lifecycle import ContractLifecycleWorkflow

HISTORIES = Path(__file__).resolve().parents[2] / "histories" / "governance"
# Recorded before governed-change-v2 (the legacy execution), and with it (executors, scopes, health).
SCENARIOS = ["approved_completed", "modified_then_rolled_back"]
RECORDED = ["v2_approved_completed", "v2_modified_then_rolled_back"]


def _replayer() -> Replayer:
    return Replayer(workflows=[ContractLifecycleWorkflow], data_converter=pydantic_data_converter,
                    interceptors=[DomainErrorInterceptor()])


@pytest.mark.parametrize("name", SCENARIOS + RECORDED)
async def test_saved_history_replays_against_current_code(name: str) -> None:
    raw = json.loads((HISTORIES / f"{name}.json").read_text())
    history = WorkflowHistory.from_json(raw["workflow_id"], raw["history"])
    result = await _replayer().replay_workflow(history)
    assert result.replay_failure is None


async def test_replay_detects_a_nondeterministic_change() -> None:
    """The check can fail: a history whose activity order differs from the code is refused."""
    raw = json.loads((HISTORIES / "approved_completed.json").read_text())
    events = raw["history"]["events"]
    for event in events:
        attrs = event.get("activityTaskScheduledEventAttributes")
        if attrs and attrs["activityType"]["name"] == "start_job":
            attrs["activityType"]["name"] = "some_other_activity"
    history = WorkflowHistory.from_json(raw["workflow_id"], raw["history"])
    result = await _replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None


@pytest.mark.integration
@pytest.mark.skipif(not os.environ.get("REVOS_RECORD_HISTORIES"), reason="set REVOS_RECORD_HISTORIES=1 to re-record")
async def test_record_histories(api, keys, worker, temporal_client, engine) -> None:
    """Records the v2 scenarios (the v1 files were recorded before governed-change-v2 and are kept as they are)."""
    HISTORIES.mkdir(parents=True, exist_ok=True)
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        ok = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, ok["id"])
        await api.post(f"/v1/contracts/{cid}/clarify", json={"question": "sure?"}, headers=keys.headers("founder"))
        await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        await reaches(api, keys, cid, "COMPLETED")
        bad = await file_issue(api, keys, change_payload(tenant, 1300))
        old = await drafted(api, keys, bad["id"])
        scope = {"changes": [{"capability": "kernel.policy", "target": tenant, "key": BREAKING_KEY,
                              "value": BREAKING_VALUE}]}
        r = await api.post(f"/v1/contracts/{old}/modify-scope", json={"proposed_changes": scope},
                           headers=keys.headers("founder"))
        new = r.json()["contract_id"]
        await api.post(f"/v1/contracts/{new}/approve", json={}, headers=keys.headers("founder"))
        await reaches(api, keys, new, "FAILED")
    for name, filed in zip(RECORDED, (ok, bad), strict=True):
        handle = temporal_client.get_workflow_handle(filed["workflow_id"])
        history = await handle.fetch_history()
        (HISTORIES / f"{name}.json").write_text(json.dumps(
            {"workflow_id": filed["workflow_id"], "history": json.loads(history.to_json())}, indent=1))
